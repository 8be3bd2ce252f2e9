"""The hand-off's eligibility snapshot keeps a plural message's other form and count, so
that staff read "2 such balances", not the singular with a count of 2."""

from __future__ import annotations

from lastgate.desk.pages.staff import _snapshot_checks
from lastgate.desk.service.assistant import _said
from lastgate.kernel.messages import Message, N_plural

FORMS = N_plural("You have {count} such balance:", "You have {count} such balances:")


def test_a_plural_message_survives_the_snapshot() -> None:
    kept = {"checks": [{"message": _said(Message.counted(FORMS, 2)), "detail": _said(Message(""))}]}
    (check,) = _snapshot_checks(kept, "en")
    assert check["message"] == "You have 2 such balances:" and check["detail"] == ""


def test_a_snapshot_written_before_plurals_still_reads() -> None:
    old = {"checks": [{"message": {"msgid": "Open orders", "params": {}}, "detail": {}}]}
    assert _snapshot_checks(old, "en")[0]["message"] == "Open orders"
