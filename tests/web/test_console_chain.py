"""The compliance console says how many audit entries wait for the worker to link them
into the chain, so a head that has not moved is not read as the whole log."""

from __future__ import annotations

import pytest

from lastgate.app.api import create_app
from lastgate.kernel.access import Role
from lastgate.platform import audit_log
from tests.builders import account, load
from tests.web_support import browser
from tests.workflow_support import settings


@pytest.fixture
def config():
    return settings()


def test_the_console_counts_entries_not_yet_linked_then_none(engine, clock, config) -> None:
    load(engine, account("U1"))
    with engine.begin() as conn:
        for n in range(3):
            audit_log.append(
                conn,
                now=clock(),
                actor="officer",
                action="test.entry",
                subject="U1",
                payload={"n": n},
            )
    app = create_app(config, engine=engine, clock=clock)
    officer = browser(app, clock, config, "officer-cy", Role.COMPLIANCE)
    page = officer.get("/web/compliance").text
    assert "3 entries were written since the worker last linked the chain" in page
    zh = officer.get("/web/compliance", headers={"Accept-Language": "zh-CN"}).text
    assert "新写入了 3 条记录" in zh
    audit_log.seal(engine)
    page = officer.get("/web/compliance").text
    assert "since the worker last linked the chain" not in page
