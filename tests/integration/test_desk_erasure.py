"""A closed customer's tickets, messages, attachments and their files are erased; a
neighbour's stay."""

from __future__ import annotations

from sqlalchemy import func, select, update

from lastgate.closure.adapters import tables as wt
from lastgate.closure.model.lifecycle import ClosureState
from lastgate.closure.service import workflow as closure
from lastgate.closure.service.execution import execute_due
from lastgate.desk.adapters import tables as dt
from lastgate.desk.model.tickets import AttachmentPurpose, TicketCategory
from lastgate.desk.service import desk as d
from lastgate.erasure.wiring import run_pending
from tests.builders import account, load
from tests.desk_support import PNG, desk_settings, make_desk
from tests.workflow_support import AGENT_A, AGENT_B, customer, request_in, workflow


def test_erasure_deletes_the_desk_data_of_the_closed_customer_only(engine, clock, tmp_path):
    load(engine, account("U1000"), account("U2000"))
    desk = make_desk(engine, clock, tmp_path)
    mine, _ = d.open_ticket(desk, customer(), "U1000", TicketCategory.OTHER, "Hi", "my words")
    d.reply(desk, AGENT_A, mine.id, "internal", internal=True)
    file = d.attach(desk, customer(), mine.id, AttachmentPurpose.DOCUMENT, PNG)
    theirs, _ = d.open_ticket(
        desk, customer("U2000"), "U2000", TicketCategory.OTHER, "Hi", "their words"
    )
    path = tmp_path / "evidence" / "desk" / file.storage_key
    assert path.exists()

    config = desk_settings(tmp_path)
    wf = workflow(engine, clock, config)
    request = request_in(wf, ClosureState.IN_REVIEW)
    closure.approve(wf, AGENT_A, request.id, "ok")
    closure.approve(wf, AGENT_B, request.id, "ok")
    clock.advance(days=14)
    assert execute_due(wf).closed == [request.id]
    with engine.begin() as conn:
        conn.execute(update(wt.outbox).values(delivered_at=clock()))
    assert len(run_pending(engine, clock, config, wf.policies).finished) == 1

    with engine.connect() as conn:
        assert conn.execute(select(dt.tickets.c.id)).scalars().all() == [theirs.id]
        bodies = conn.execute(select(dt.ticket_messages.c.body)).scalars().all()
        assert bodies == ["their words"]
        assert conn.execute(select(func.count()).select_from(dt.ticket_attachments)).scalar() == 0
    assert not path.exists()
