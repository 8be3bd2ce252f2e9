"""The staff desk's words for its own codes: the queues tickets land in
(``tickets.QUEUES``), as staff read them in the filter, the ticket's facts and the
timeline. One home: every page takes the label from here. Pure."""

from __future__ import annotations

from lastgate.kernel.messages import N_

QUEUE_LABELS: dict[str, str] = {
    "closure": N_("Closures"),
    "appeals": N_("Appeals"),
    "recovery": N_("Account recovery"),
    "security": N_("Security team"),
    "disputes": N_("Disputes"),
    "identity": N_("Identity checks"),
    "general": N_("General questions"),
    "compliance": N_("Compliance"),
    "privacy": N_("Personal data"),
}


def queue_label(queue: str) -> str:
    """The queue's msgid, or the code itself for a queue this list does not know."""
    return QUEUE_LABELS.get(queue, queue)
