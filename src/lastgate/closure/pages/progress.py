"""Where the customer is in the closure flow, and what a fix that cannot be undone will do.

The flow's steps, as the step indicator shows them: check → request → verify →
review and cooling-off → closed (``STEPS``; the keys of ``macros.html``'s ``steps``).
Pure.
"""

from __future__ import annotations

from dataclasses import dataclass

from lastgate.closure.model.lifecycle import ClosureState
from lastgate.eligibility.model.report import Action, CheckCode
from lastgate.kernel.messages import N_

STEPS = ("check", "request", "verify", "review", "closed")

_STEP_OF_STATE = {
    ClosureState.DRAFT: "verify",
    ClosureState.VERIFYING: "verify",
    ClosureState.IN_REVIEW: "review",
    ClosureState.ON_HOLD: "review",
    ClosureState.COOLING_OFF: "review",
    ClosureState.EXECUTING: "review",
    ClosureState.CLOSED: "closed",
}


def step_of(state: ClosureState | None) -> str | None:
    """The step a request in ``state`` is at: none yet, the self-check; a request that
    ended without closing (cancelled, rejected, blocked) is in no step (None)."""
    return "check" if state is None else _STEP_OF_STATE.get(state)


@dataclass(frozen=True, slots=True)
class Confirmation:
    """What a one-step fix does, said before the customer confirms it (msgids)."""

    check: CheckCode
    title: str
    happens: tuple[str, ...]
    button: str


CONFIRMATIONS: dict[Action, Confirmation] = {
    Action.CANCEL_ORDERS: Confirmation(
        CheckCode.OPEN_ORDERS,
        N_("Cancel all open orders?"),
        (
            N_(
                "Every open order below is cancelled now, including stop and take-profit "
                "orders that wait for their trigger price."
            ),
            N_("What is already filled stays filled; the rest of each order is not traded."),
            N_("This cannot be undone: to trade again you would place new orders."),
        ),
        N_("Yes, cancel all open orders"),
    ),
    Action.REVOKE_API_KEYS: Confirmation(
        CheckCode.API_KEYS_ACTIVE,
        N_("Revoke all API keys?"),
        (
            N_("Every API key and connected app below loses access to your account at once."),
            N_("Trading bots and tools that use them stop working."),
            N_("This cannot be undone: you would have to create new keys."),
        ),
        N_("Yes, revoke all API keys"),
    ),
    Action.STOP_AUTOMATIONS: Confirmation(
        CheckCode.ACTIVE_AUTOMATION,
        N_("Stop all automations?"),
        (
            N_("Every recurring buy, trading bot and copy trading below stops now."),
            N_("Nothing already bought or traded is undone."),
            N_("This cannot be undone: to start one again you would set it up anew."),
        ),
        N_("Yes, stop all automations"),
    ),
}
