"""Helpers for desk tests: a wired ``Desk`` on a test database and a temporary folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from lastgate.desk.service.desk import Desk
from lastgate.desk.wiring import build_desk
from lastgate.kernel.settings import Settings
from tests import upload_samples

PNG = upload_samples.png()
PDF = upload_samples.pdf()
MP4 = (24).to_bytes(4, "big") + b"ftypisom" + b"\x00\x00\x02\x00isomiso2" + b"\x00" * 200
MOV = (20).to_bytes(4, "big") + b"ftypqt  " + b"\x00\x00\x00\x00qt  " + b"\x00" * 200


def desk_settings(root: Path) -> Settings:
    return Settings(
        webhook_url="http://127.0.0.1:9/hooks",
        public_base_url="https://close.example",
        evidence_dir=root / "evidence",
    )


def make_desk(engine: Engine, clock: Any, root: Path) -> Desk:
    return build_desk(desk_settings(root), engine, clock)


def appeal_decided(engine: Engine, clock: Any, root: Path, uid: str, *, overturn: bool) -> Any:
    """``uid``'s closure request, rejected by ada, its appeal decided by bo (overturned:
    back in review; upheld: rejected for good). Returns the workflow and the request."""
    from lastgate.closure.model.lifecycle import ClosureState
    from lastgate.closure.service import workflow as closure
    from lastgate.desk.model.tickets import TicketCategory
    from lastgate.desk.service import appeals
    from lastgate.desk.service import desk as d
    from tests.workflow_support import AGENT_A, AGENT_B, customer, request_in, workflow

    wf = workflow(engine, clock)
    request = request_in(wf, ClosureState.IN_REVIEW, uid=uid, needs_review=True)
    closure.reject(wf, AGENT_A, request.id, "Documents unclear.")
    desk = make_desk(engine, clock, root)
    ticket, _ = d.open_ticket(
        desk,
        customer(uid),
        uid,
        TicketCategory.CLOSURE_REJECTED,
        "Appeal",
        "My documents are fine.",
        related_closure_id=request.id,
    )
    appeals.decide_closure_appeal(desk, AGENT_B, ticket.id, overturn=overturn, note="Checked.")
    return wf, request
