"""The JSON shape of a report, shared by the HTTP API, the pages and the CLI's ``--json``.

Three views, one per type: a ``CustomerReport`` renders as the customer's view, whose
checks carry no ``detail`` or ``internal_evidence`` keys at all, an ``EligibilityReport``
as the internal one for staff, and a ``ClosedAccount`` as the closed view (no checks).
Messages are rendered in the reader's language.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal, overload

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from lastgate.eligibility.model.closed import CertificateState, ClosedAccount
from lastgate.eligibility.model.report import (
    Action,
    CheckCode,
    CheckResult,
    CheckStatus,
    CustomerCheck,
    CustomerReport,
    EligibilityReport,
    Resolver,
    waits_on_us,
)
from lastgate.kernel.i18n import bcp47, translate
from lastgate.ledger.model import CustomerStatus


class _Wire(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RemediationOut(_Wire):
    """What fixes a blocker: a stable action and a translated explanation."""

    action: Action
    message: str
    resolves_at: datetime | None = Field(
        default=None,
        description="When time alone resolves the blocker, if it does and the date is known.",
    )


class CheckOut(_Wire):
    """One check as the customer may see it."""

    code: CheckCode
    status: CheckStatus
    resolver: Resolver
    message: str
    remediation: RemediationOut
    evidence: list[dict[str, str]] = Field(
        description="Customer-safe facts: assets, orders, dates. Amounts are decimal strings."
    )

    @property
    def waits_on_us(self) -> bool:
        """Ours to act on, not the customer's (``report.waits_on_us``): no fix to show."""
        return waits_on_us(self.status)


class InternalCheckOut(CheckOut):
    """One check as staff see it: with the internal detail and evidence."""

    detail: str
    internal_evidence: list[dict[str, str]]


class _ReportOut(_Wire):
    uid: str
    jurisdiction: str
    checked_at: datetime = Field(description="When the checks ran, ISO 8601 in UTC.")
    outcome: CheckStatus
    eligible: bool = Field(description="True when no check blocks.")
    needs_review: bool = Field(description="True when a person must review the closure.")
    language: Literal["en", "zh-Hans"]


class CustomerReportOut(_ReportOut):
    """The customer's view: confidential checks folded into ``SUPPORT_REQUIRED``."""

    view: Literal["customer"] = "customer"
    checks: list[CheckOut]


class InternalReportOut(_ReportOut):
    """The staff view: every check, with internal detail."""

    view: Literal["internal"] = "internal"
    checks: list[InternalCheckOut]
    account_status: CustomerStatus = Field(
        default=CustomerStatus.ACTIVE,
        description="The ledger's status: active, frozen or closed. The checks are the "
        "engine's verdicts whatever it is; a closed account cannot be closed again.",
    )


class ClosedAccountOut(_Wire):
    """A closed account, as its customer is answered: no checks, nothing to fix."""

    view: Literal["closed"] = "closed"
    uid: str
    jurisdiction: str
    checked_at: datetime = Field(description="When the account was read, ISO 8601 in UTC.")
    state: Literal["closed"] = "closed"
    eligible: Literal[False] = Field(
        default=False, description="Always false: a closed account cannot be closed again."
    )
    message: str
    certificate: CertificateState | None = Field(
        description="issued, or pending while erasure runs (null if this server cannot tell)."
    )
    certificate_url: str = Field(description="Where the signed certificate is, once issued.")
    language: Literal["en", "zh-Hans"]


ReportOut = Annotated[
    CustomerReportOut | InternalReportOut | ClosedAccountOut, Field(discriminator="view")
]


_REPORT: TypeAdapter[CustomerReportOut | InternalReportOut | ClosedAccountOut] = TypeAdapter(
    ReportOut
)


def _utc(moment: datetime | None) -> datetime | None:
    return None if moment is None else moment.astimezone(UTC)


def _public(check: CheckResult | CustomerCheck, lang: str) -> dict[str, object]:
    return {
        "code": check.code,
        "status": check.status,
        "resolver": check.resolver,
        "message": translate(check.message, lang),
        "remediation": {
            "action": check.remediation.action,
            "message": translate(check.remediation.message, lang),
            "resolves_at": _utc(check.remediation.resolves_at),
        },
        "evidence": [dict(item) for item in check.evidence],
    }


def _internal(check: CheckResult, lang: str) -> dict[str, object]:
    return {
        **_public(check, lang),
        "detail": translate(check.detail, lang),
        "internal_evidence": [dict(item) for item in check.internal_evidence],
    }


Answer = EligibilityReport | CustomerReport | ClosedAccount


def closed_to_wire(closed: ClosedAccount, lang: str) -> ClosedAccountOut:
    """The closed view of ``closed`` in ``lang``."""
    return ClosedAccountOut.model_validate(
        {
            "uid": closed.uid,
            "jurisdiction": closed.jurisdiction,
            "checked_at": closed.checked_at.astimezone(UTC),
            "message": translate(closed.message, lang),
            "certificate": closed.certificate,
            "certificate_url": f"/v1/accounts/{closed.uid}/certificate",
            "language": bcp47(lang),
        }
    )


@overload
def report_to_wire(report: CustomerReport, lang: str) -> CustomerReportOut: ...
@overload
def report_to_wire(report: EligibilityReport, lang: str) -> InternalReportOut: ...
@overload
def report_to_wire(report: ClosedAccount, lang: str) -> ClosedAccountOut: ...
@overload
def report_to_wire(
    report: Answer, lang: str
) -> CustomerReportOut | InternalReportOut | ClosedAccountOut: ...
def report_to_wire(
    report: Answer, lang: str
) -> CustomerReportOut | InternalReportOut | ClosedAccountOut:
    """``report`` rendered in ``lang``; its type picks the view."""
    if isinstance(report, ClosedAccount):
        return closed_to_wire(report, lang)
    fields = {
        "uid": report.uid,
        "jurisdiction": report.jurisdiction,
        "checked_at": report.checked_at.astimezone(UTC),
        "outcome": report.outcome,
        "eligible": report.eligible,
        "needs_review": report.needs_review,
        "language": bcp47(lang),
    }
    if isinstance(report, CustomerReport):
        checks = [_public(c, lang) for c in report.checks]
        return CustomerReportOut.model_validate({**fields, "checks": checks})
    internal = [_internal(c, lang) for c in report.checks]
    return InternalReportOut.model_validate(
        {**fields, "checks": internal, "account_status": report.account_status}
    )


def report_json(report: Answer, lang: str) -> str:
    """``report`` as a JSON document, exactly as the API returns it."""
    return report_bytes(report, lang).decode()


def report_bytes(report: Answer, lang: str) -> bytes:
    """``report`` as the API's response body: the wire model validated once, as it is
    built, and serialised once, straight to UTF-8 JSON."""
    return _REPORT.dump_json(report_to_wire(report, lang))
