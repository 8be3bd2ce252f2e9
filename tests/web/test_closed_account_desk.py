"""A closed account is closed on the desk's pages too, through the real app: its
navigation offers only its closed account's page and its tickets, its tickets page no
assistant and only the topics left after closure, its ticket page no settings and no
e-mail promise; the small-balances page sends it to its closed page; staff read that the
account is closed (and since when) instead of a passing eligibility check."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from lastgate.closure.model.lifecycle import ClosureState
from lastgate.closure.service.workflow import Workflow
from lastgate.kernel.access import Role
from lastgate.platform.auth_tokens import issue_token
from tests.builders import account
from tests.desk_support import desk_fixtures
from tests.web_support import browser, csrf
from tests.workflow_support import request_in

config, desk_app = desk_fixtures(account("U1"), account("U3", status="closed"))


@pytest.fixture
def app(desk_app):
    """With U3's closure done."""
    request_in(desk_app.state.context.service(Workflow), ClosureState.CLOSED, uid="U3")
    return desk_app


def nav(html: str) -> list[str]:
    block = html.split('<nav aria-label="')[1].split("</nav>")[0]
    return re.findall(r'href="([^"]+)"', block)


def topics(html: str) -> list[str]:
    block = html.split('id="ticket-category"')[1].split("</select>")[0]
    return re.findall(r'value="([^"]+)"', block)


def test_an_open_account_keeps_the_open_accounts_desk(app, clock, config) -> None:
    page = browser(app, clock, config, "U1").get("/web/tickets").text
    assert nav(page) == ["/web/me", "/web/help", "/web/tickets", "/web/me/settings"]
    assert "Have you asked the assistant?" in page
    assert "account_locked" in topics(page) and "credential_recovery" in topics(page)
    assert "certificate" not in topics(page)  # a closed account's topic


def test_a_closed_account_sees_only_what_is_left_to_it(app, clock, config) -> None:
    me = browser(app, clock, config, "U3")
    listing = me.get("/web/tickets")
    assert listing.status_code == 200
    assert nav(listing.text) == ["/web/me/closed", "/web/tickets"]
    assert "Have you asked the assistant?" not in listing.text
    assert 'href="/web/help"' not in listing.text
    # the topics its page promises: its closure, its certificate, its data; else anything
    assert topics(listing.text) == ["account_closure", "certificate", "personal_data", "other"]
    zh_form = me.get("/web/tickets?lang=zh-Hans").text.split('id="ticket-category"')[1]
    assert "我的注销证明" in zh_form.split("</select>")[0]
    listing = me.get("/web/tickets?lang=en")  # back to English for the rest

    sent = me.post(
        "/web/tickets",
        data={
            "csrf": csrf(listing.text),
            "category": "certificate",
            "subject": "My certificate",
            "body": "Where is my closure certificate?",
        },
    )
    assert sent.status_code == 200 and "done=ticket_opened_closed" in str(sent.url)
    ticket = sent.text
    assert "We will answer here: come back to this page." in ticket
    assert "tell you by e-mail" not in ticket
    assert "Set an anti-phishing code" not in ticket
    assert 'href="/web/me/settings"' not in ticket
    assert nav(ticket) == ["/web/me/closed", "/web/tickets"]
    # nothing it asks needs identity evidence: a screenshot or other file only
    kinds = re.findall(r'value="(\w+)"', ticket.split('id="purpose"')[1].split("</select>")[0])
    assert kinds == ["screenshot"]
    hint = ticket.split('<label for="attachment-file">')[1].split("</label>")[0]
    assert hint == "File: JPEG, PNG, HEIC, PDF, MP4 or QuickTime; at most 25 MB"
    assert "video statement" not in hint  # not offered after closure

    zh = me.get(f"{sent.url.path}?done=ticket_opened_closed&lang=zh-Hans").text
    assert "请回到此页面查看" in zh
    assert "我的已注销账户" in zh and "我们不会就此工单发送电子邮件或短信" in zh
    zh_hint = zh.split('<label for="attachment-file">')[1].split("</label>")[0]
    assert "JPEG、PNG、HEIC、PDF、MP4 或 QuickTime" in zh_hint and "视频声明" not in zh_hint

    forfeit = me.get("/web/me/dust-forfeit", follow_redirects=False)
    assert forfeit.status_code == 303
    assert forfeit.headers["location"] == "/web/me/closed"

    staff = browser(app, clock, config, "A1", Role.AGENT)
    seen = staff.get(f"/web/desk/tickets/{sent.url.path.rsplit('/', 1)[1]}")
    assert seen.status_code == 200
    assert "<dd>Closure certificate</dd>" in seen.text  # the topic, as staff read it
    assert "The account is closed, since " in seen.text
    assert "Every check passes." not in seen.text
    # The reply form does not promise a notice the closed account will never get.
    assert "a closed account gets no e-mail or text about it" in seen.text
    assert "gets a notice" not in seen.text
    seen_zh = staff.get(f"{seen.url.path}?lang=zh-Hans").text
    assert "该账户已于 " in seen_zh and "不再对其做任何检查" in seen_zh
    assert "已注销的账户不会收到关于此工单的邮件或短信" in seen_zh


def test_a_closed_account_cannot_post_a_topic_the_form_does_not_offer(app, clock, config) -> None:
    me = browser(app, clock, config, "U3")
    form = me.get("/web/tickets").text
    refused = me.post(
        "/web/tickets",
        data={
            "csrf": csrf(form),
            "category": "account_locked",
            "subject": "Unlock",
            "body": "Please unlock my account.",
        },
        follow_redirects=False,
    )
    # refused as every action of a closed account is: back to its closed page, which says so
    assert refused.status_code == 303
    assert refused.headers["location"] == "/web/me/closed?refused=1"
    assert "Unlock" not in me.get("/web/tickets").text  # no ticket was opened


def test_a_closed_account_is_refused_its_export_on_the_page_and_the_api_but_staff_may(
    app, clock, config
) -> None:
    # What was the customer's to take is erased: an archive of the rest would read as if it
    # were all the exchange keeps, when the certificate says what the law makes it keep.
    page = browser(app, clock, config, "U3").get("/web/me/export", follow_redirects=False)
    assert (page.status_code, page.headers["location"]) == (303, "/web/me/closed")
    api = TestClient(app)
    customer = issue_token(config, "U3", Role.CUSTOMER, timedelta(hours=1), clock())
    refused = api.get("/v1/accounts/U3/export", headers={"Authorization": f"Bearer {customer}"})
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "ACCOUNT_CLOSED"
    agent = issue_token(config, "agent-1", Role.AGENT, timedelta(hours=1), clock())
    staff = api.get("/v1/accounts/U3/export", headers={"Authorization": f"Bearer {agent}"})
    assert staff.status_code == 200 and staff.headers["content-type"] == "application/zip"
    # An open account's customer still downloads theirs.
    mine = browser(app, clock, config, "U1").get("/web/me/export")
    assert mine.status_code == 200 and mine.content.startswith(b"PK")
