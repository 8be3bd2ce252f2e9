"""Every audit action a closure request's or a ticket's timeline can show has a name in
the presentation layer (no humanized code like "Desk open" on a staff page), and the
payload facts the timelines put into words fill their sentences."""

from __future__ import annotations

import re

import pytest

from lastgate.closure.model import events as closure_events
from lastgate.closure.model.lifecycle import ClosureEvent
from lastgate.closure.service.demo_clock import DEMO_COOLING_OFF_ENDED
from lastgate.desk.model import events as desk_events
from lastgate.desk.model.tickets import TicketEvent
from lastgate.kernel.i18n import translate
from lastgate.kernel.messages import Message
from lastgate.kernel.present.vocabulary import EVENTS

CLOSURE_ACTIONS = [
    "closure.submitted",
    "closure.factor_verified",
    "closure.review_approval",
    DEMO_COOLING_OFF_ENDED,
    *(f"closure.{e.value}" for e in ClosureEvent),
]
DESK_ACTIONS = [
    *desk_events.DETAILS,
    "desk.opened",
    "desk.handoff",
    "desk.attached",
    "desk.attachment_read",
    *(f"desk.{e.value}" for e in TicketEvent),
]


@pytest.mark.parametrize("action", sorted(set(CLOSURE_ACTIONS + DESK_ACTIONS)))
def test_every_timeline_action_has_a_name(action: str) -> None:
    assert action in EVENTS


def test_an_approval_says_its_number_and_keeps_the_note_as_typed() -> None:
    payload = {"note": "documents match", "approval": 1}
    said = closure_events.details("closure.review_approval", payload)
    assert [m.msgid.format(**m.params) for m in said] == ["Approval 1 of 2."]
    assert closure_events.typed("closure.review_approval", payload) == [
        ("Note:", "documents match")
    ]


def test_a_submission_says_what_the_request_needs() -> None:
    said = closure_events.details(
        "closure.submitted", {"reason": "fees", "needs_review": True, "needs_evidence": False}
    )
    assert [m.msgid for m in said] == ["It needs a review by staff."]


def test_an_assignment_names_the_queue_by_its_label() -> None:
    (to, queue) = desk_events.details(
        "desk.assigned", {"assignee": "agent-ada", "queue": "appeals"}
    )
    assert to.params["assignee"] == "agent-ada" and queue.params["queue"] == "Appeals"
    assert "queue" in desk_events.LABEL_PARAMS


#: Each audit action the closure workflow writes on a request's subject, with a payload of
#: the shape its writer gives (closure.adapters.step_up*, closure.service, erasure).
WRITTEN = {
    "closure.submitted": {"reason": "fees", "needs_review": True, "needs_evidence": True},
    "closure.review_approval": {"note": "ok", "approval": 1},
    "closure.hold": {"hold": "h-1"},
    "closure.lift": {"hold": "h-1"},
    "verification.code_sent": {
        "method": "email",
        "expires_at": "2026-12-01T15:56:58.045202+00:00",
        "superseded": 1,
    },
    "verification.succeeded": {"method": "sms"},
    "verification.failed": {"method": "email", "failures": 2, "tries_left": 3},
    "verification.locked": {
        "method": "sms",
        "failures": 5,
        "locked_until": "2026-12-01T16:56:58.045202+00:00",
    },
    "verification.evidence_uploaded": {
        "evidence_id": "e-1",
        "kind": "selfie",
        "content_type": "image/png",
        "size": 2048,
        "sha256": "ab" * 32,
    },
    "verification.evidence_reviewed": {
        "evidence_id": "e-1",
        "kind": "document",
        "decision": "approved",
    },
    "erasure.finished": {"uid": "U1", "scan_passed": False, "findings": ["email in notes"]},
    DEMO_COOLING_OFF_ENDED: {"demo": True, "was_ending_at": "2026-12-07T12:00:00+00:00"},
}
ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
SNAKE_KEY = re.compile(r"\b[a-z]+_[a-z_]+\b")


@pytest.mark.parametrize("lang", ["en", "zh_Hans"])
@pytest.mark.parametrize("action", sorted(WRITTEN))
def test_no_timeline_sentence_shows_a_raw_moment_or_key(action: str, lang: str) -> None:
    payload = WRITTEN[action]
    said = " ".join(translate(m, lang) for m in closure_events.details(action, payload))
    assert not ISO_MOMENT.search(said) and not SNAKE_KEY.search(said), said
    assert closure_events.explained(action)  # the payload is never shown as data


def test_a_code_sent_says_how_and_until_when_in_words() -> None:
    said = [
        translate(m, "en")
        for m in closure_events.details("verification.code_sent", WRITTEN["verification.code_sent"])
    ]
    assert said == [
        "By e-mail.",
        "The code works until Dec 1, 2026, 15:56 UTC.",
        "Codes sent before it no longer work.",
    ]
    failed = closure_events.details("verification.failed", WRITTEN["verification.failed"])
    assert [translate(m, "en") for m in failed] == [
        "By e-mail.",
        "2 wrong tries in a row.",
        "3 tries left.",
    ]


def test_a_usd_value_in_a_message_reads_with_grouping() -> None:
    detail = Message(
        "Withdrawals worth {total} USD in the last {days} days exceed {threshold} USD.",
        {"total": "13500", "days": "30", "threshold": "10000"},
    )
    assert translate(detail, "en") == (
        "Withdrawals worth 13,500 USD in the last 30 days exceed 10,000 USD."
    )
    assert "13,500" in translate(detail, "zh_Hans") and "13500" not in translate(detail, "zh_Hans")


def test_an_asset_amount_in_a_message_reads_as_the_tables_show_it() -> None:
    """The assistant's "90000 SHIB remains…" read otherwise than the balance table's
    "90,000 SHIB": an amount in a sentence is written as everywhere else."""
    from lastgate.desk.model.answer_parts import BALANCE_LINES
    from lastgate.ledger.model import AccountType

    line = Message(BALANCE_LINES[AccountType.FUNDING], {"amount": "90000.500000", "asset": "SHIB"})
    assert translate(line, "en") == "90,000.5 SHIB remains in your funding account."
    assert "90,000.5 SHIB" in translate(line, "zh_Hans")
    # A percentage named like an amount (a sweep's fee) stays as it is.
    fee = Message("For a fee of {fee}%.", {"fee": "2.5"})
    assert translate(fee, "en") == "For a fee of 2.5%."


def test_a_cooling_off_ended_on_the_demo_page_says_when_it_was_to_end() -> None:
    payload = WRITTEN[DEMO_COOLING_OFF_ENDED]
    said = closure_events.details(DEMO_COOLING_OFF_ENDED, payload)
    assert [translate(m, "en") for m in said] == ["It was to end at Dec 7, 2026, 12:00 UTC."]
    assert [translate(m, "zh_Hans") for m in said] == ["原定于 2026年12月7日 12:00 UTC 结束。"]
