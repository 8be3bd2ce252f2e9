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
            remediation=Remediation(Action.NONE, Message("")),
            detail=Message(""),
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
