"""``lastgate demo --port P``: every link a notice carries points at the port it serves."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine

from lastgate.closure.model.lifecycle import ClosureReason, ClosureRequest, ClosureState
from lastgate.closure.wiring import build_workflow
from lastgate.demo.command import demo_settings
from lastgate.desk.wiring import build_desk
from tests.builders import T0


@pytest.mark.parametrize("port", [8000, 8123])
def test_the_demos_notice_links_point_at_the_port_it_serves(port: int, tmp_path: Path) -> None:
    settings = demo_settings(tmp_path / "demo.db", port)
    assert settings.mailbox_dir == tmp_path / "mailbox"
    engine = create_engine("sqlite://")  # never connected: only links are built
    workflow, desk = build_workflow(settings, engine), build_desk(settings, engine)
    request = ClosureRequest("c1", "U1", ClosureState.REJECTED, ClosureReason.FEES, "", T0, T0)
    links = [workflow.cancel_url(request), workflow.appeal_url(request), desk.ticket_url("t1")]
    assert [link.split("/")[2] for link in links] == [f"127.0.0.1:{port}"] * 3
