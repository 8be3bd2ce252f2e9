"""The demo clock's waiting period after a security change, through HTTP on both
databases: the self-check's SECURITY_COOLDOWN card leads to the demo clock, in English
and in Chinese; there the signed-in customer lets the period pass now: the exchange's
record of each change inside it moves back so that the last one ends now, audited as a
demo action by the customer; an older change, another customer's, and a second press
change nothing; outside the demo the page and the action are not there."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from lastgate.demo.exchange import DEMO_CLOCK, SECURITY_WAIT_PASSED
from lastgate.kernel.access import Role
from lastgate.ledger.adapters import tables as ledger
from lastgate.platform.db.audit_tables import audit_log
from tests.builders import T0, account, iso, load
from tests.web.test_demo_clock import browser
from tests.web.test_demo_exchange import config, post
from tests.web.test_demo_exchange_link import hints
from tests.web_support import blocked

__all__ = ["config"]
WAIT = "/web/demo-login/clock/security-wait-passes"
OLD = T0 - timedelta(days=40)
CHANGES = [
    {"kind": "phone", "occurred_at": iso(T0 - timedelta(days=1))},
    {"kind": "2fa", "occurred_at": iso(T0 - timedelta(days=3))},
    {"kind": "password", "occurred_at": iso(OLD)},
]


@pytest.fixture
def accounts(engine):
    load(
        engine,
        account("U1", security_events=CHANGES),
        account("U2", security_events=CHANGES[:1]),
    )


def moments(engine, uid: str) -> dict[str, object]:
    e, c = ledger.security_events.c, ledger.customers.c
    query = (
        select(e.kind, e.occurred_at)
        .join(ledger.customers, c.id == e.customer_id)
        .where(c.uid == uid)
    )
    with engine.connect() as conn:
        return {kind: at for kind, at in conn.execute(query)}


def demo_entries(engine) -> list[dict[str, Any]]:
    a = audit_log.c
    with engine.connect() as conn:
        return [
            json.loads(row.payload)
            for row in conn.execute(
                select(a.payload).where(a.action == SECURITY_WAIT_PASSED, a.actor == "U1")
            )
        ]


def test_the_card_leads_to_the_demo_clock(engine, clock, config, accounts) -> None:
    client = browser(engine, clock, config, "U1")
    en = hints(client.get("/web/me?lang=en").text)
    assert set(en) == {"SECURITY_COOLDOWN"}
    assert "you need not wait" in en["SECURITY_COOLDOWN"]
    assert f'href="{DEMO_CLOCK}">Go to the demo clock</a>' in en["SECURITY_COOLDOWN"]
    zh = hints(client.get("/web/me?lang=zh-Hans").text)
    assert "前往演示时钟</a>" in zh["SECURITY_COOLDOWN"]
    demo_page = client.get("/web/demo-login?lang=en").text
    assert 'id="demo-security-wait"' in demo_page
    assert "closing waits until" in demo_page and "Let the waiting period pass now" in demo_page
    assert 'id="demo-security-wait"' in client.get("/web/demo-login?lang=zh-Hans").text


def test_the_wait_passes_now(engine, clock, config, accounts) -> None:
    client = browser(engine, clock, config, "U1")
    answer = post(client, WAIT)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/web/me?done=demo_security_wait_passed"
    page = client.get("/web/me?done=demo_security_wait_passed&lang=en").text
    assert "The waiting period after your security change has passed." in page
    assert "SECURITY_COOLDOWN" not in blocked(page)
    assert hints(page) == {} and 'id="demo-security-wait"' not in client.get("/web/demo-login").text
    assert (
        "修改安全设置后的等待期已结束。"
        in client.get("/web/me?done=demo_security_wait_passed&lang=zh-Hans").text
    )
    # The last change (a day ago) now ends its seven days now; the one before it moved
    # back by as much, so their order stays; the change outside the period is untouched.
    after = moments(engine, "U1")
    assert after["phone"] == clock() - timedelta(days=7)
    assert after["2fa"] == clock() - timedelta(days=9)
    assert after["password"] == OLD
    assert moments(engine, "U2")["phone"] == T0 - timedelta(days=1)  # not theirs
    (entry,) = demo_entries(engine)
    assert entry["demo"] is True
    assert sorted(c["change"] for c in entry["changes"]) == ["2fa", "phone"]


def test_pressed_twice_changes_nothing_more(engine, clock, config, accounts) -> None:
    client = browser(engine, clock, config, "U1")
    post(client, WAIT)
    once = moments(engine, "U1")
    again = post(client, WAIT)
    assert again.status_code == 303  # a double submit is answered, and moves nothing
    assert moments(engine, "U1") == once and len(demo_entries(engine)) == 1


def test_refused_without_its_form_or_outside_the_demo(engine, clock, config, accounts) -> None:
    client = browser(engine, clock, config, "U1")
    assert client.post(WAIT, follow_redirects=False).status_code == 403  # no CSRF token
    staff = browser(engine, clock, config, "agent-ada", role=Role.AGENT)
    assert post(staff, WAIT).status_code == 403  # a customer's own page only
    off = config.model_copy(update={"demo_login": False})  # as `lastgate serve` runs
    production = browser(engine, clock, off, "U1")
    assert production.post(WAIT, follow_redirects=False).status_code == 404
    page = production.get("/web/me").text
    assert "SECURITY_COOLDOWN" in blocked(page) and hints(page) == {}
    assert moments(engine, "U1")["phone"] == T0 - timedelta(days=1)
    assert demo_entries(engine) == []
