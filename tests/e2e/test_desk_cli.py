"""``lastgate desk``: the staff's queue, replies, notes and decisions from a shell."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from lastgate.app.cli import app
from lastgate.desk.model.tickets import TicketCategory
from lastgate.desk.service import desk as d
from lastgate.desk.wiring import build_desk
from lastgate.kernel.clock import system_clock
from lastgate.kernel.settings import Settings
from lastgate.platform.db.engine import make_engine, migrate
from tests.builders import account, load
from tests.workflow_support import customer


@pytest.fixture
def shell(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    monkeypatch.setenv("LASTGATE_DATABASE_URL", url)
    monkeypatch.setenv("LASTGATE_EVIDENCE_DIR", str(tmp_path / "evidence"))
    engine = make_engine(url)
    migrate(engine)
    load(engine, account("U1"))
    desk = build_desk(Settings(), engine, system_clock)
    ticket, _ = d.open_ticket(desk, customer("U1"), "U1", TicketCategory.OTHER, "Hi", "help me")
    runner = CliRunner()
    yield (lambda *args: runner.invoke(app, ["desk", *args])), ticket.id
    engine.dispose()


def test_the_queue_lists_open_tickets(shell) -> None:
    run, ticket = shell
    result = run("queue")
    assert result.exit_code == 0, result.output
    assert ticket in result.output and "new" in result.output


def test_reply_note_and_resolve(shell) -> None:
    run, ticket = shell
    assert run("reply", ticket, "We are on it", "--staff", "ada").exit_code == 0
    assert run("reply", ticket, "check AML", "--staff", "ada", "--internal").exit_code == 0
    assert run("move", ticket, "resolve", "--staff", "ada").output.strip().endswith("resolved")
    shown = json.loads(run("show", ticket).output)
    assert [m["visibility"] for m in shown["messages"]] == ["public", "public", "internal"]


def test_errors_leave_with_a_code(shell) -> None:
    run, ticket = shell
    result = run("move", ticket, "reopen", "--staff", "ada")
    assert result.exit_code == 2
    assert "ILLEGAL_TRANSITION" in result.output


def test_official_exits_one_for_a_look_alike(shell) -> None:
    run, _ = shell
    assert run("official", "https://example.com").exit_code == 0
    assert run("official", "https://example.com@evil.io").exit_code == 1
