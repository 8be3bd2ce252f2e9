"""Helpers for desk tests: a wired ``Desk`` on a test database and a temporary folder,
and the ``config`` and ``app`` fixtures of a module that serves the whole app on the
desk's settings (``desk_fixtures``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine

from lastgate.app.api import create_app
from lastgate.desk.service.desk import Desk
from lastgate.desk.wiring import build_desk
from lastgate.kernel.settings import Settings
from tests import upload_samples
from tests.builders import load

#: An account of the snapshot, or what makes it of the test's clock (a hold placed a day
#: before now).
AccountOf = dict[str, Any] | Callable[[Any], dict[str, Any]]

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


def desk_fixtures(*accounts: AccountOf) -> tuple[Any, Any]:
    """A module's ``config`` (``desk_settings`` in the test's folder) and ``app`` (the
    whole app on the test's database and clock, ``accounts`` loaded first) fixtures:
    ``config, app = desk_fixtures(account("U1"))``."""

    @pytest.fixture
    def config(tmp_path: Path) -> Settings:
        return desk_settings(tmp_path)

    @pytest.fixture
    def app(engine: Engine, clock: Any, config: Settings) -> FastAPI:
        load(engine, *(a(clock) if callable(a) else a for a in accounts))
        return create_app(config, engine=engine, clock=clock)

    return config, app


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
