"""The compliance console's lifted holds say how each was lifted: asked by one officer
and confirmed by another, or lifted by one officer granting a risk-lock appeal; no
blanket claim that every lift took two officers. On both databases."""

from __future__ import annotations

from datetime import timedelta

from lastgate.app.api import create_app
from lastgate.closure.service import workflow as closure
from lastgate.desk.model.tickets import TicketCategory
from lastgate.desk.service import desk as d
from lastgate.desk.service.appeals import decide_risk_lock_appeal
from lastgate.kernel.access import Role
from lastgate.ledger.model import HoldKind
from tests.builders import account, iso, load
from tests.desk_support import make_desk
from tests.web_support import browser
from tests.workflow_support import OFFICER_A, OFFICER_B, customer, settings, workflow


def test_each_lifted_hold_says_who_lifted_it_and_how(engine, clock, tmp_path) -> None:
    lock = {
        "id": "h1",
        "kind": "risk_lock",
        "reason": "abnormal login",
        "placed_by": "risk-engine",
        "placed_at": iso(clock() - timedelta(days=2)),
    }
    load(engine, account("U1000", holds=[lock]), account("U2"))
    desk = make_desk(engine, clock, tmp_path)
    ticket, _ = d.open_ticket(
        desk, customer("U1000"), "U1000", TicketCategory.ACCOUNT_LOCKED, "Locked", "me"
    )
    assert decide_risk_lock_appeal(desk, OFFICER_A, ticket.id, approve=True, note="ok") == ["h1"]
    wf = workflow(engine, clock)
    hold = closure.place_hold(wf, OFFICER_A, "U2", HoldKind.AML_INVESTIGATION, "check source")
    closure.lift_hold(wf, OFFICER_A, hold, "cleared")
    closure.lift_hold(wf, OFFICER_B, hold, "agreed")

    config = settings()
    app = create_app(config, engine=engine, clock=clock)
    officer = browser(app, clock, config, "compliance-di", Role.COMPLIANCE)
    html = officer.get("/web/compliance").text
    section = html.split('id="lifted-holds"')[1].split("</section>")[0]
    assert "two compliance officers" not in section
    by_appeal = section.split('id="lifted-h1"')[1].split("</tr>")[0]
    assert f"lifted by compliance-cy on appeal {ticket.id[:8]}" in by_appeal
    assert "confirmed by" not in by_appeal
    four_eyes = section.split(f'id="lifted-{hold}"')[1].split("</tr>")[0]
    assert "asked by compliance-cy" in four_eyes and "confirmed by compliance-di" in four_eyes
    assert "on appeal" not in four_eyes
