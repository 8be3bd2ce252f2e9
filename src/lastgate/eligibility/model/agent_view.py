"""What a front-line agent sees of a confidential check: that compliance must act, never
the investigation's reason, kind or evidence. Compliance officers see the whole report.
"""

from __future__ import annotations

from dataclasses import replace

from lastgate.eligibility.model.report import (
    CONFIDENTIAL_CODES,
    Action,
    CheckResult,
    CheckStatus,
    EligibilityReport,
    Remediation,
)
from lastgate.kernel.messages import N_, Message

COMPLIANCE_MUST_ACT = Message(N_("Compliance must review this account before it can close."))
ONLY_COMPLIANCE_SEES_WHY = Message(N_("Only a compliance officer can see why."))
HAND_TO_COMPLIANCE = Remediation(
    Action.NONE,
    Message(N_("Hand the case to compliance; do not tell the customer more than support does.")),
)


def _masked(check: CheckResult) -> CheckResult:
    if check.code not in CONFIDENTIAL_CODES or check.status is CheckStatus.PASS:
        return check
    return replace(
        check,
        message=COMPLIANCE_MUST_ACT,
        remediation=HAND_TO_COMPLIANCE,
        detail=ONLY_COMPLIANCE_SEES_WHY,
        evidence=(),
        internal_evidence=(),
    )


def agent_view(report: EligibilityReport) -> EligibilityReport:
    """``report`` with every confidential check that does not pass reduced to "compliance
    must act"; every other check, and the verdict, unchanged."""
    return replace(report, checks=tuple(_masked(check) for check in report.checks))
