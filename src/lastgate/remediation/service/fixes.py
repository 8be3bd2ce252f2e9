"""The one-step fixes that need no quote: revoke every API key, cancel every open order,
stop every automation. Each is one unit of work, audited, and idempotent: a second call
changes nothing and says so (0 affected)."""

from __future__ import annotations

from dataclasses import dataclass

from lastgate.closure.service.workflow import Workflow
from lastgate.kernel.access import Principal, ensure_may_read_account
from lastgate.remediation.service.sweep import _actions, _refuse_closed, _subject


@dataclass(frozen=True, slots=True)
class FixDone:
    """What a one-step fix changed: how many items (0: nothing was left to do) and which."""

    action: str
    affected: int
    refs: tuple[str, ...]


def _fix(wf: Workflow, principal: Principal, uid: str, action: str) -> FixDone:
    ensure_may_read_account(principal, uid)
    now = wf.clock()
    with wf.unit_of_work() as uow:
        actions = _actions(uow)
        _refuse_closed(actions.account_status(uid))
        do = {
            "api_keys.revoked": actions.revoke_api_keys,
            "orders.cancelled": actions.cancel_open_orders,
            "automations.stopped": actions.stop_automations,
        }[action]
        refs = tuple(do(uid, at=now))
        if refs:
            uow.audit.record(
                actor=principal.subject,
                action=action,
                subject=_subject(uid),
                payload={"role": principal.role.value, "count": len(refs), "refs": list(refs)},
            )
    return FixDone(action, len(refs), refs)


def revoke_all_api_keys(wf: Workflow, principal: Principal, uid: str) -> FixDone:
    """Revoke every active API key and third-party authorisation."""
    return _fix(wf, principal, uid, "api_keys.revoked")


def cancel_all_orders(wf: Workflow, principal: Principal, uid: str) -> FixDone:
    """Cancel every open, partly filled or pending conditional order, on every product."""
    return _fix(wf, principal, uid, "orders.cancelled")


def stop_all_automations(wf: Workflow, principal: Principal, uid: str) -> FixDone:
    """Stop every recurring buy, trading bot and copy-trading plan (active or paused)."""
    return _fix(wf, principal, uid, "automations.stopped")
