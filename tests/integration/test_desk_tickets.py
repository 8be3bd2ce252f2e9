"""Tickets on both databases: every transition, replies versus internal notes, access,
SLA breach flags on an injected clock, assignment and queues, canned replies, history."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from lastgate.closure.model.lifecycle import IllegalTransition
from lastgate.desk.model.tickets import (
    AttachmentPurpose,
    ReopenWindowOver,
    TicketCategory,
    TicketEvent,
    TicketState,
    Visibility,
)
from lastgate.desk.service import desk as d
from lastgate.kernel.errors import Forbidden, NotFound
from lastgate.platform.db.audit_tables import audit_log
from tests.builders import account, load
from tests.desk_support import PNG, make_desk
from tests.workflow_support import AGENT_A, AGENT_B, customer, outbox_rows

ADA = customer("U1000")
BO = customer("U2000")


@pytest.fixture
def desk(engine, clock, tmp_path):
    load(engine, account("U1000"), account("U2000"))
    return make_desk(engine, clock, tmp_path)


def _open(desk, category=TicketCategory.OTHER, who=ADA):
    ticket, _ = d.open_ticket(desk, who, who.subject, category, "Help", "I need help")
    return ticket


def _state(desk, ticket):
    return d.view(desk, AGENT_A, ticket.id).ticket.state


def test_a_new_ticket_is_queued_by_category(desk) -> None:
    ticket = _open(desk, TicketCategory.ACCOUNT_LOCKED)
    assert ticket.state is TicketState.NEW
    assert ticket.queue == "appeals"
    queued = d.staff_queue(desk, AGENT_A, queue="appeals")
    assert [t.id for t, _ in queued] == [ticket.id]


def test_a_staff_public_reply_opens_the_ticket_and_stops_the_first_response_clock(
    desk, clock
) -> None:
    ticket = _open(desk)
    clock.advance(hours=1)
    d.reply(desk, AGENT_A, ticket.id, "Looking into it")
    seen = d.view(desk, AGENT_A, ticket.id).ticket
    assert seen.state is TicketState.OPEN
    assert seen.first_response_at == clock.now


def test_asking_the_customer_waits_and_their_reply_reopens(desk) -> None:
    ticket = _open(desk)
    d.reply(desk, AGENT_A, ticket.id, "Which asset?", await_customer=True)
    assert _state(desk, ticket) is TicketState.WAITING_ON_CUSTOMER
    d.reply(desk, ADA, ticket.id, "BTC")
    assert _state(desk, ticket) is TicketState.OPEN


def test_resolve_then_close(desk) -> None:
    ticket = _open(desk)
    d.change_state(desk, AGENT_A, ticket.id, TicketEvent.RESOLVE)
    assert _state(desk, ticket) is TicketState.RESOLVED
    d.change_state(desk, ADA, ticket.id, TicketEvent.CLOSE)
    assert _state(desk, ticket) is TicketState.CLOSED


def test_a_customer_reopens_within_the_window(desk, clock) -> None:
    ticket = _open(desk)
    d.change_state(desk, AGENT_A, ticket.id, TicketEvent.RESOLVE)
    clock.advance(days=13)
    d.change_state(desk, ADA, ticket.id, TicketEvent.REOPEN)
    assert _state(desk, ticket) is TicketState.OPEN


def test_reopening_after_the_window_is_refused(desk, clock) -> None:
    ticket = _open(desk)
    d.change_state(desk, AGENT_A, ticket.id, TicketEvent.RESOLVE)
    clock.advance(days=14, seconds=1)
    with pytest.raises(ReopenWindowOver):
        d.change_state(desk, ADA, ticket.id, TicketEvent.REOPEN)
    assert _state(desk, ticket) is TicketState.RESOLVED


def test_a_customer_reply_to_a_resolved_ticket_reopens_it_for_staff(desk, clock) -> None:
    ticket = _open(desk, TicketCategory.ACCOUNT_LOCKED)
    d.reply(desk, AGENT_A, ticket.id, "We keep the lock.")
    d.change_state(desk, AGENT_A, ticket.id, TicketEvent.RESOLVE)
    assert [q.id for q, _ in d.staff_queue(desk, AGENT_A, queue="appeals")] == []
    clock.advance(days=3)
    d.reply(desk, ADA, ticket.id, "Here is my payslip for the deposit.")
    seen = d.view(desk, AGENT_A, ticket.id)
    assert seen.ticket.state is TicketState.OPEN
    assert seen.ticket.resolved_at is None
    assert seen.messages[-1].body == "Here is my payslip for the deposit."
    assert [q.id for q, _ in d.staff_queue(desk, AGENT_A, queue="appeals")] == [ticket.id]


def test_a_customer_file_on_a_resolved_ticket_reopens_it(desk) -> None:
    ticket = _open(desk)
    d.change_state(desk, AGENT_A, ticket.id, TicketEvent.RESOLVE)
    d.attach(desk, ADA, ticket.id, AttachmentPurpose.SCREENSHOT, PNG)
    assert _state(desk, ticket) is TicketState.OPEN


def test_a_reply_after_the_reopen_window_is_refused_and_leaves_no_message(desk, clock) -> None:
    ticket = _open(desk)
    d.change_state(desk, AGENT_A, ticket.id, TicketEvent.RESOLVE)
    clock.advance(days=14, seconds=1)
    with pytest.raises(ReopenWindowOver):
        d.reply(desk, ADA, ticket.id, "Still not solved")
    seen = d.view(desk, AGENT_A, ticket.id)
    assert seen.ticket.state is TicketState.RESOLVED
    assert [m.body for m in seen.messages] == ["I need help"]


def test_a_closed_ticket_takes_no_reply_and_no_transition(desk) -> None:
    ticket = _open(desk)
    d.change_state(desk, ADA, ticket.id, TicketEvent.CLOSE)
    with pytest.raises(IllegalTransition):
        d.reply(desk, ADA, ticket.id, "hello?")
    with pytest.raises(IllegalTransition):
        d.change_state(desk, ADA, ticket.id, TicketEvent.REOPEN)


def test_a_customer_may_not_resolve(desk) -> None:
    ticket = _open(desk)
    with pytest.raises(Forbidden):
        d.change_state(desk, ADA, ticket.id, TicketEvent.RESOLVE)


def test_a_customer_never_sees_internal_notes(desk) -> None:
    ticket = _open(desk)
    d.reply(desk, AGENT_A, ticket.id, "Linked to AML case 42", internal=True)
    d.reply(desk, AGENT_A, ticket.id, "We are on it")
    mine = d.view(desk, ADA, ticket.id)
    assert [m.body for m in mine.messages] == ["I need help", "We are on it"]
    assert all(m.visibility is Visibility.PUBLIC for m in mine.messages)
    staff = d.view(desk, AGENT_B, ticket.id)
    assert "Linked to AML case 42" in [m.body for m in staff.messages]


def test_a_customer_may_not_write_an_internal_note(desk) -> None:
    ticket = _open(desk)
    with pytest.raises(Forbidden):
        d.reply(desk, ADA, ticket.id, "psst", internal=True)


def test_a_customer_cannot_read_or_answer_another_customers_ticket(desk) -> None:
    ticket = _open(desk)
    with pytest.raises(NotFound):
        d.view(desk, BO, ticket.id)
    with pytest.raises(NotFound):
        d.reply(desk, BO, ticket.id, "mine now")
    with pytest.raises(Forbidden):
        d.list_for_customer(desk, BO, "U1000")


def test_an_internal_note_tells_the_customer_nothing(desk, engine) -> None:
    ticket = _open(desk)
    d.reply(desk, AGENT_A, ticket.id, "note", internal=True)
    assert outbox_rows(engine, "desk_reply") == []


def test_a_public_reply_notifies_the_customer_with_their_anti_phishing_code(desk, engine) -> None:
    from lastgate.notices.adapters import preferences

    preferences.set_anti_phishing_code(engine, desk.clock, ADA, "U1000", "Owl2026")
    ticket = _open(desk)
    d.reply(desk, AGENT_A, ticket.id, "Done")
    rows = outbox_rows(engine, "desk_reply")
    assert rows
    assert {r["payload"]["anti_phishing_code"] for r in rows} == {"Owl2026"}
    assert all("Done" not in str(r["payload"]) for r in rows)


def test_sla_flags_follow_the_injected_clock(desk, clock) -> None:
    ticket = _open(desk, TicketCategory.ACCOUNT_LOCKED)  # 4 h first response, 48 h resolution
    clock.advance(hours=3, minutes=59)
    ((_, sla),) = d.staff_queue(desk, AGENT_A)
    assert not sla.first_response_breached
    clock.advance(minutes=2)
    ((_, sla),) = d.staff_queue(desk, AGENT_A)
    assert sla.first_response_breached and not sla.resolution_breached
    clock.advance(hours=45)
    assert d.view(desk, ADA, ticket.id).sla.resolution_breached


def test_a_response_in_time_is_never_breached_later(desk, clock) -> None:
    ticket = _open(desk, TicketCategory.ACCOUNT_LOCKED)
    clock.advance(hours=1)
    d.reply(desk, AGENT_A, ticket.id, "On it")
    d.change_state(desk, AGENT_A, ticket.id, TicketEvent.RESOLVE)
    clock.advance(days=30)
    sla = d.view(desk, AGENT_A, ticket.id).sla
    assert not sla.first_response_breached and not sla.resolution_breached


def test_assignment_and_queues(desk) -> None:
    ticket = _open(desk)
    d.assign(desk, AGENT_A, ticket.id, assignee=AGENT_B.subject, queue="disputes")
    assert [t.id for t, _ in d.staff_queue(desk, AGENT_A, assignee=AGENT_B.subject)] == [ticket.id]
    assert d.staff_queue(desk, AGENT_A, queue="general") == []
    with pytest.raises(Forbidden):
        d.assign(desk, ADA, ticket.id, assignee="me", queue=None)


def test_canned_replies_in_both_languages(desk) -> None:
    ticket = _open(desk)
    en = d.reply_canned(desk, AGENT_A, ticket.id, "withdraw_first", "en")
    zh = d.reply_canned(desk, AGENT_A, ticket.id, "withdraw_first", "zh_Hans")
    assert en.message.body.startswith("Your account still holds assets")
    assert zh.message.body.startswith("您的账户仍有资产")
    # It leads where the balances are listed (the self-check), and promises no withdraw
    # link the pages do not have, nor a request "again" to one who never made one.
    assert "self-check" in en.message.body and "自查" in zh.message.body
    assert "link" not in en.message.body and "again" not in en.message.body
    with pytest.raises(NotFound):
        d.reply_canned(desk, AGENT_A, ticket.id, "nope", "en")


def test_every_change_is_in_the_audit_log_without_message_text(desk, engine) -> None:
    ticket = _open(desk)
    d.reply(desk, AGENT_A, ticket.id, "secret internal reasoning", internal=True)
    d.assign(desk, AGENT_A, ticket.id, assignee=AGENT_B.subject, queue=None)
    d.change_state(desk, AGENT_B, ticket.id, TicketEvent.RESOLVE)
    with engine.connect() as conn:
        rows = conn.execute(
            select(audit_log.c.action, audit_log.c.payload).where(
                audit_log.c.subject == f"ticket:{ticket.id}"
            )
        ).all()
    actions = [r.action for r in rows]
    assert actions == [
        "desk.opened",
        "desk.message",
        "desk.internal_note",
        "desk.assigned",
        "desk.resolve",
    ]
    assert all("secret internal" not in str(r.payload) for r in rows)


def _assignments(engine, ticket_id: str) -> list[tuple[str, dict]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(audit_log.c.actor, audit_log.c.payload)
            .where(audit_log.c.subject == f"ticket:{ticket_id}")
            .where(audit_log.c.action == "desk.assigned")
            .order_by(audit_log.c.seq)
        ).all()
    return [(r.actor, json.loads(r.payload)) for r in rows]


def test_a_reply_to_a_nobodys_ticket_assigns_it_to_the_replier(desk, engine) -> None:
    ticket = _open(desk)
    d.reply(desk, AGENT_A, ticket.id, "Looking into it.", internal=True)  # a note: no
    d.reply(desk, ADA, ticket.id, "More detail.")  # the customer: no
    assert d.view(desk, AGENT_A, ticket.id).ticket.assignee is None
    d.reply_canned(desk, AGENT_A, ticket.id, "withdraw_first", "en")
    after = d.view(desk, AGENT_A, ticket.id).ticket
    assert after.assignee == AGENT_A.subject and after.state is TicketState.OPEN
    assert after.first_response_at is not None
    assert _assignments(engine, ticket.id) == [
        (AGENT_A.subject, {"assignee": AGENT_A.subject, "queue": after.queue})
    ]
    d.reply(desk, AGENT_B, ticket.id, "I am covering today.")  # someone else's: theirs
    assert d.view(desk, AGENT_A, ticket.id).ticket.assignee == AGENT_A.subject
    assert len(_assignments(engine, ticket.id)) == 1
