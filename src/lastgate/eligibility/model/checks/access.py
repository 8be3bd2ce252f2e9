"""Access to the account: active API keys, open sub-accounts, the security cooldown."""

from __future__ import annotations

from datetime import datetime, timedelta

from lastgate.eligibility.model.checks.result import iso, result
from lastgate.eligibility.model.report import (
    Action,
    CheckCode,
    CheckResult,
    Remediation,
    Resolver,
)
from lastgate.kernel.messages import N_, Message, N_plural
from lastgate.kernel.policy import Policy
from lastgate.ledger.model import (
    AccountState,
    SubAccountStatus,
)


def check_api_keys_active(state: AccountState, policy: Policy, now: datetime) -> CheckResult:
    keys = [
        {"id": k.id, "kind": k.kind.value, "label": k.label, "created_at": iso(k.created_at)}
        for k in state.api_keys
        if k.is_active(now)
    ]
    return result(
        CheckCode.API_KEYS_ACTIVE,
        bool(keys),
        Resolver.USER,
        ok=Message(N_("No API keys or third-party authorisations are active.")),
        fail=Message.counted(
            N_plural(
                "{count} API key or third-party authorisation is active.",
                "{count} API keys or third-party authorisations are active.",
            ),
            len(keys),
        ),
        fix=Remediation(Action.REVOKE_API_KEYS, Message(N_("Revoke all of them."))),
        evidence=keys,
    )


def check_sub_accounts_open(state: AccountState, policy: Policy, now: datetime) -> CheckResult:
    subs = [
        {"uid": s.uid, "status": s.status.value}
        for s in state.sub_accounts
        if s.status is not SubAccountStatus.CLOSED
    ]
    return result(
        CheckCode.SUB_ACCOUNTS_OPEN,
        bool(subs),
        Resolver.USER,
        ok=Message(N_("No sub-accounts are open.")),
        fail=Message.counted(
            N_plural("{count} sub-account is not closed.", "{count} sub-accounts are not closed."),
            len(subs),
        ),
        fix=Remediation(Action.CLOSE_SUB_ACCOUNTS, Message(N_("Close your sub-accounts first."))),
        evidence=subs,
    )


def check_security_cooldown(state: AccountState, policy: Policy, now: datetime) -> CheckResult:
    cooldown = timedelta(days=policy.eligibility.security_cooldown_days)
    recent = sorted(
        (e for e in state.security_events if now < e.occurred_at + cooldown),
        key=lambda e: e.occurred_at,
    )
    evidence = [
        {
            "change": e.kind.value,
            "changed_at": iso(e.occurred_at),
            "ends_at": iso(e.occurred_at + cooldown),
        }
        for e in recent
    ]
    ends_at = max((e.occurred_at + cooldown for e in recent), default=now)
    return result(
        CheckCode.SECURITY_COOLDOWN,
        bool(recent),
        Resolver.TIME,
        ok=Message(N_("No recent changes to your security settings.")),
        fail=Message(
            N_("Your security settings changed recently; closure is possible from {ends_at}."),
            {"ends_at": iso(ends_at)},
        ),
        fix=Remediation(
            Action.WAIT,
            Message(
                N_(
                    "Nothing to do but wait: no one can lift this block early, not even our "
                    "support team. It protects your account in case someone else made the "
                    "change."
                )
            ),
            ends_at,
        ),
        evidence=evidence,
    )
