"""The customer's report as its own type, and the eligibility service choosing it by role.

No database: the service runs over in-memory fakes of its two ports.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import datetime

import pytest

from lastgate.eligibility.model.agent_view import agent_view
from lastgate.eligibility.model.checks import evaluate
from lastgate.eligibility.model.report import (
    CheckCode,
    CheckStatus,
    CustomerCheck,
    CustomerReport,
    EligibilityReport,
    Remediation,
    customer_view,
)
from lastgate.eligibility.service import Eligibility
from lastgate.eligibility.wire import CustomerReportOut, InternalReportOut, report_to_wire
from lastgate.kernel.access import Principal, Role
from lastgate.kernel.errors import AccountNotFound, Forbidden
from lastgate.kernel.policy import Policy
from lastgate.ledger import model as a
from tests.account_states import AGO, CLEAN, NOW, POLICY

AML = replace(
    CLEAN,
    uid="U2",
    holds=(a.Hold("h9", a.HoldKind.AML_INVESTIGATION, "SAR 2026-118 structuring", AGO),),
)
RISK = replace(
    CLEAN,
    uid="U3",
    holds=(a.Hold("h1", a.HoldKind.RISK_LOCK, "abnormal login from new ASN", AGO),),
)
STATES = {s.uid: s for s in (CLEAN, AML, RISK)}
CUSTOMERS = [Principal(uid, Role.CUSTOMER) for uid in STATES]
STAFF = [Principal("ada", Role.AGENT), Principal("cy", Role.COMPLIANCE)]


@dataclass
class FakeAccounts:
    """The account reader port over a dict; records which UIDs were loaded."""

    states: dict[str, a.AccountState]
    loaded: list[str] = field(default_factory=list)

    def load(self, uid: str, *, withdrawals_since: datetime) -> a.AccountState:
        self.loaded.append(uid)
        if uid not in self.states:
            raise AccountNotFound(f"no account {uid}")
        return self.states[uid]


class FakePolicies:
    """The policy book port with one policy for every jurisdiction."""

    longest_withdrawal_window_days = 30

    def for_jurisdiction(self, jurisdiction: str) -> Policy:
        return POLICY


def service(accounts: FakeAccounts | None = None) -> Eligibility:
    return Eligibility(accounts or FakeAccounts(dict(STATES)), FakePolicies(), lambda: NOW)


@pytest.mark.parametrize("customer", CUSTOMERS, ids=lambda p: p.subject)
def test_a_customer_principal_never_receives_an_internal_report(customer: Principal) -> None:
    eligibility = service()
    for report in (
        eligibility.report_for(customer, customer.subject),
        eligibility.customer_report(customer, customer.subject),
    ):
        assert type(report) is CustomerReport
        assert not isinstance(report, EligibilityReport)
        assert all(type(c) is CustomerCheck for c in report.checks)
        assert CheckCode.COMPLIANCE_REVIEW not in {c.code for c in report.checks}
    with pytest.raises(Forbidden):
        eligibility.staff_report(customer, customer.subject)


@pytest.mark.parametrize("staff", STAFF, ids=lambda p: p.role.value)
def test_staff_get_the_internal_report_with_its_confidential_checks(staff: Principal) -> None:
    eligibility = service()
    report = eligibility.report_for(staff, "U2")
    assert isinstance(report, EligibilityReport)
    # Compliance sees the check whole; an agent sees that compliance must act, not why.
    whole = evaluate(AML, POLICY, NOW)
    assert report == (whole if staff.role is Role.COMPLIANCE else agent_view(whole))
    assert report.result(CheckCode.COMPLIANCE_REVIEW).status is CheckStatus.BLOCK
    assert eligibility.staff_report(staff, "U2") == report


def test_staff_may_look_through_the_customers_eyes() -> None:
    eligibility = service()
    seen = eligibility.customer_report(STAFF[0], "U2")
    assert seen == eligibility.customer_report(Principal("U2", Role.CUSTOMER), "U2")
    assert seen.result(CheckCode.SUPPORT_REQUIRED).status is CheckStatus.BLOCK


def test_a_customer_asking_about_another_account_is_refused_before_any_read() -> None:
    accounts = FakeAccounts(dict(STATES))
    eligibility = service(accounts)
    stranger = Principal("U9", Role.CUSTOMER)
    for uid in ("U2", "NO-SUCH-UID"):
        with pytest.raises(Forbidden):
            eligibility.report_for(stranger, uid)
        with pytest.raises(Forbidden):
            eligibility.customer_report(stranger, uid)
    assert accounts.loaded == []


def test_the_wire_renders_each_type_as_its_own_view() -> None:
    eligibility = service()
    customer = report_to_wire(eligibility.report_for(Principal("U3", Role.CUSTOMER), "U3"), "en")
    internal = report_to_wire(eligibility.report_for(STAFF[0], "U3"), "en")
    assert isinstance(customer, CustomerReportOut) and customer.view == "customer"
    assert isinstance(internal, InternalReportOut) and internal.view == "internal"
    body = json.loads(customer.model_dump_json())
    assert all("detail" not in c and "internal_evidence" not in c for c in body["checks"])
    assert "ASN" not in customer.model_dump_json() and "ASN" in internal.model_dump_json()


def test_a_customer_check_cannot_be_a_confidential_one() -> None:
    public = customer_view(evaluate(AML, POLICY, NOW)).result(CheckCode.SUPPORT_REQUIRED)
    for folded in (CheckCode.COMPLIANCE_REVIEW, CheckCode.KYC_DISPUTED):
        with pytest.raises(ValueError, match="support-only"):
            replace(public, code=folded)


def test_a_customer_report_cannot_carry_an_internal_check() -> None:
    full = evaluate(RISK, POLICY, NOW)
    view = customer_view(full)
    smuggled = (*view.checks[:-1], full.result(CheckCode.RISK_LOCK), view.checks[-1])
    with pytest.raises(TypeError):
        replace(view, checks=smuggled)  # type: ignore[arg-type]


def test_a_customer_report_always_lists_support_required_once() -> None:
    view = customer_view(evaluate(CLEAN, POLICY, NOW))
    without = tuple(c for c in view.checks if c.code is not CheckCode.SUPPORT_REQUIRED)
    extra = CustomerCheck(
        CheckCode.SUPPORT_REQUIRED,
        CheckStatus.PASS,
        view.checks[-1].resolver,
        view.checks[-1].message,
        Remediation(view.checks[-1].remediation.action, view.checks[-1].message),
    )
    for checks in (without, (*view.checks, extra)):
        with pytest.raises(ValueError, match="SUPPORT_REQUIRED"):
            replace(view, checks=checks)


def test_there_is_no_way_back_from_the_customers_report() -> None:
    assert not issubclass(CustomerReport, EligibilityReport)
    assert not issubclass(EligibilityReport, CustomerReport)
    public = {name for name in dir(CustomerReport) if not name.startswith("_")}
    verdicts = {"eligible", "needs_review", "outcome", "blockers", "result"}
    assert public == {"uid", "jurisdiction", "checked_at", "checks"} | verdicts
