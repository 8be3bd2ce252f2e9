"""What an account is frozen for, and what the customer is told keeps it frozen once one
of its freezes goes. The causes are the ``cause`` of a freeze row: the customer's own
freeze (``service.freeze``), the protective freeze (``service.protective_freeze``) and a
closure's cooling-off (``service.steps``); each may hold the account with the others.

``freeze_left`` is the one home of which of those the customer is told of; its answer is
a ``Kind.FREEZE_LEFT`` code, whose words are ``kernel.present.vocabulary.FREEZES_LEFT``
(the secure page and the notices say the same)."""

from __future__ import annotations

from collections.abc import Iterable

#: The customer's own freeze: they lift it with their authenticator, after the delay.
CUSTOMER_FREEZE = "customer"
#: The protective freeze: only compliance lifts it.
PROTECTIVE_FREEZE = "protective"
#: A closure request's cooling-off.
CLOSURE_FREEZE = "closure"
#: A freeze the customer is not told the cause of (``freeze_left``).
OTHER_FREEZE = "other"


def freeze_left(causes: Iterable[str], lifted: str = PROTECTIVE_FREEZE) -> str | None:
    """What the customer is told keeps their account frozen once the ``lifted`` freeze
    goes (a ``Kind.FREEZE_LEFT`` code): their own freeze first (they can lift it), then
    the protective freeze (the customer's own unfreeze leaves it), then their closure's
    cooling-off, else ``OTHER_FREEZE``; ``None`` when nothing does."""
    left = set(causes) - {lifted}
    for told in (CUSTOMER_FREEZE, PROTECTIVE_FREEZE, CLOSURE_FREEZE):
        if told in left:
            return told
    return OTHER_FREEZE if left else None
