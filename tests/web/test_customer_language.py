"""The customer's notices follow the language they use on the pages: the one they sign in
with, the one they switch to (``?lang=``), the one they write to support in. Staff pages
never change it, a page view does not write it, and a closed account keeps nothing new.
On both databases."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial

from sqlalchemy import event, select

from lastgate.closure.adapters.tables import customer_settings
from lastgate.kernel.access import Principal, Role
from lastgate.kernel.i18n import ENGLISH, SIMPLIFIED_CHINESE, translate
from lastgate.notices.adapters.preferences import remember_customer_language
from lastgate.notices.model import compose, render
from lastgate.platform.web.pages import LANG_COOKIE
from tests.builders import account
from tests.desk_support import desk_fixtures
from tests.web_support import browser, csrf
from tests.workflow_support import outbox_rows

CHINESE = re.compile(r"[\u4e00-\u9fff]")


config, app = desk_fixtures(account("U1"), account("U2"), account("U9", status="closed"))


def stored_language(engine, uid: str) -> str | None:
    with engine.connect() as conn:
        return conn.execute(
            select(customer_settings.c.language).where(customer_settings.c.uid == uid)
        ).scalar_one_or_none()


@contextmanager
def settings_writes(engine) -> Iterator[list[str]]:
    """Every INSERT into customer_settings the engine runs inside the block."""
    seen: list[str] = []

    def spy(conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO CUSTOMER_SETTINGS"):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", spy)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", spy)


def test_a_ticket_written_on_a_chinese_page_gets_its_answer_in_chinese(
    app, clock, config, engine
) -> None:
    client = browser(app, clock, config, "U1")  # signed in in English (no header, no cookie)
    assert stored_language(engine, "U1") == ENGLISH
    client.cookies.set(LANG_COOKIE, SIMPLIFIED_CHINESE)  # the pages are Chinese from here on
    token = csrf(client.get("/web/tickets").text)
    assert stored_language(engine, "U1") == ENGLISH  # viewing a page remembers nothing
    opened = client.post(
        "/web/tickets",
        data={"csrf": token, "category": "other", "subject": "提现", "body": "为什么无法提现"},
    )
    assert opened.status_code == 200
    ticket_id = str(opened.url).split("/web/tickets/")[1].split("?")[0]
    assert stored_language(engine, "U1") == SIMPLIFIED_CHINESE

    agent = browser(app, clock, config, "agent-ada", Role.AGENT)
    page = agent.get(f"/web/desk/tickets/{ticket_id}?lang=en")  # an English staff page
    answered = agent.post(
        f"/web/desk/tickets/{ticket_id}/reply", data={"csrf": csrf(page.text), "body": "Hello."}
    )
    assert answered.status_code == 200
    assert stored_language(engine, "U1") == SIMPLIFIED_CHINESE  # staff never change it

    rows = [r for r in outbox_rows(engine, "desk_reply") if r["payload"]["uid"] == "U1"]
    assert {r["channel"] for r in rows} == {"email", "sms"}
    for row in rows:
        payload, language = row["payload"], row["payload"]["language"]
        assert language == SIMPLIFIED_CHINESE
        notice = compose(
            "desk_reply",
            payload["params"],
            anti_phishing_code=payload["anti_phishing_code"],
            language=language,
        )
        text = render(notice, partial(translate, lang=language))
        assert CHINESE.search(text.subject) and CHINESE.search(text.body)


def test_signing_in_and_switching_remember_the_language_and_a_same_one_writes_nothing(
    app, clock, config, engine
) -> None:
    client = browser(app, clock, config, "U2")
    assert stored_language(engine, "U2") == ENGLISH
    client.get("/web/me?lang=zh-Hans")  # the explicit switch
    assert stored_language(engine, "U2") == SIMPLIFIED_CHINESE
    with settings_writes(engine) as writes:
        token = csrf(client.get("/web/help").text)
        asked = client.post("/web/help/ask", data={"csrf": token, "question": "为什么无法注销"})
        assert asked.status_code == 200
        client.get("/web/me?lang=zh-Hans")
        assert writes == []  # the same language again: read, not written
        client.get("/web/me?lang=en")
        assert len(writes) == 1 and stored_language(engine, "U2") == ENGLISH


def test_staff_and_a_closed_account_leave_no_language(app, clock, config, engine) -> None:
    agent = browser(app, clock, config, "agent-ada", Role.AGENT)
    agent.get("/web/agent?lang=zh-Hans")
    closed = browser(app, clock, config, "U9")
    closed.get("/web/me/closed?lang=zh-Hans")
    # A staff member's action never counts as the customer's, whoever's name it bears.
    remember_customer_language(engine, clock, config, Principal("U1", Role.AGENT), ENGLISH)
    with engine.connect() as conn:
        assert conn.execute(select(customer_settings.c.uid)).all() == []
