"""What the customer sees: no internal detail, and no trace of a confidential review."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import timedelta
from decimal import Decimal

from lastgate.eligibility.model.checks import evaluate
from lastgate.eligibility.model.report import (
    SUPPORT_ONLY_CODES,
    CheckCode,
    CheckStatus,
    CustomerCheck,
    CustomerReport,
    EligibilityReport,
    customer_view,
)
from lastgate.ledger import model as a
from tests.account_states import AGO, CLEAN, NOW, POLICY


def _aml(state: a.AccountState) -> a.AccountState:
    investigation = a.Hold("h9", a.HoldKind.AML_INVESTIGATION, "SAR 2026-118 structuring", AGO)
    return replace(state, holds=(*state.holds, investigation))


#: Everything a customer's check holds; the type has no room for internal detail.
PUBLIC_FIELDS = {"code", "status", "resolver", "message", "remediation", "evidence"}


def _everything_visible(report_state: a.AccountState) -> str:
    view = customer_view(evaluate(report_state, POLICY, NOW))
    parts = []
    for check in view.checks:
        assert {f.name for f in fields(check)} == PUBLIC_FIELDS
        parts += [
            check.code.value,
            check.message.render_untranslated(),
            check.remediation.action.value,
            check.remediation.message.render_untranslated(),
        ]
        parts += [f"{k}={v}" for item in check.evidence for k, v in item.items()]
    return "\n".join(parts)


def test_the_customer_view_never_names_a_compliance_review() -> None:
    visible = _everything_visible(_aml(CLEAN))
    assert "COMPLIANCE_REVIEW" not in visible
    assert "AML" not in visible and "SAR" not in visible and "investigation" not in visible


def test_a_confidential_block_shows_as_support_required() -> None:
    view = customer_view(evaluate(_aml(CLEAN), POLICY, NOW))
    assert not view.eligible
    assert view.result(CheckCode.SUPPORT_REQUIRED).status is CheckStatus.BLOCK


def test_support_required_is_always_listed_so_its_presence_tells_nothing() -> None:
    view = customer_view(evaluate(CLEAN, POLICY, NOW))
    assert view.result(CheckCode.SUPPORT_REQUIRED).status is CheckStatus.PASS
    codes = [c.code for c in view.checks]
    assert CheckCode.COMPLIANCE_REVIEW not in codes
    assert codes == [c.code for c in customer_view(evaluate(_aml(CLEAN), POLICY, NOW)).checks]


def test_the_customer_view_drops_internal_detail_and_evidence() -> None:
    state = replace(
        CLEAN,
        holds=(
            a.Hold("h1", a.HoldKind.RISK_LOCK, "abnormal login from new ASN", AGO),
            a.Hold("h2", a.HoldKind.JUDICIAL_FREEZE, "court order 44/2026", AGO),
        ),
        transfers=(
            a.Transfer(
                "w1",
                a.TransferDirection.WITHDRAWAL,
                "USDT",
                Decimal("20000"),
                a.TransferStatus.COMPLETED,
                NOW - timedelta(days=1),
            ),
        ),
    )
    full = evaluate(state, POLICY, NOW)
    assert full.result(CheckCode.RISK_LOCK).internal_evidence
    view = customer_view(full)
    assert all(type(c) is CustomerCheck for c in view.checks)
    visible = _everything_visible(state)
    assert "ASN" not in visible and "court order" not in visible
    assert view.result(CheckCode.RISK_LOCK).status is CheckStatus.BLOCK
    assert view.result(CheckCode.WITHDRAWAL_REVIEW).status is CheckStatus.REVIEW


def test_the_customer_view_keeps_every_other_verdict() -> None:
    state = replace(
        CLEAN, balances=(a.Balance(a.AccountType.FUNDING, "BTC", Decimal("0.5"), Decimal(0)),)
    )
    full = evaluate(state, POLICY, NOW)
    view = customer_view(full)
    public = {c.code: c.status for c in full.checks if c.code not in SUPPORT_ONLY_CODES}
    assert {c.code: c.status for c in view.checks if c.code in public} == public
    assert view.outcome is full.outcome
    assert isinstance(view, CustomerReport) and not isinstance(view, EligibilityReport)
