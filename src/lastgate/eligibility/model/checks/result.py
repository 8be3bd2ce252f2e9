"""What every check builds its answer with: the ``Check`` signature and ``result``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from lastgate.eligibility.model.report import (
    Action,
    CheckCode,
    CheckResult,
    CheckStatus,
    Evidence,
    Remediation,
    Resolver,
)
from lastgate.kernel.messages import Message
from lastgate.kernel.policy import Policy
from lastgate.ledger.model import AccountState

Check = Callable[[AccountState, Policy, datetime], CheckResult]


#: What a passing check carries instead of a remedy and a detail (immutable, so shared:
#: most checks pass, and every report builds twenty results).
_NO_DETAIL = Message("")
_NO_REMEDIATION = Remediation(Action.NONE, _NO_DETAIL)


def iso(moment: datetime) -> str:
    return moment.isoformat()


def result(
    code: CheckCode,
    blocked: bool,
    resolver: Resolver,
    *,
    ok: Message,
    fail: Message,
    fix: Remediation,
    detail: Message | None = None,
    evidence: Iterable[Evidence] = (),
    internal_evidence: Iterable[Evidence] = (),
    failing_status: CheckStatus = CheckStatus.BLOCK,
) -> CheckResult:
    """A passing result (no remediation, no evidence) unless ``blocked``."""
    if not blocked:
        return CheckResult(
            code=code,
            status=CheckStatus.PASS,
            resolver=resolver,
            message=ok,
            remediation=_NO_REMEDIATION,
            detail=_NO_DETAIL,
        )
    return CheckResult(
        code=code,
        status=failing_status,
        resolver=resolver,
        message=fail,
        remediation=fix,
        detail=detail or fail,
        evidence=tuple(evidence),
        internal_evidence=tuple(internal_evidence),
    )
