"""A hand-off read through HTTP, on both databases: the conversation on the ticket's page
for the customer and for the agent (who said what, when, in the reader's language, no
internal link), titles that tell tickets apart in the queue, an AML hold that the
customer's ticket never tells, and a reply that makes a nobody's ticket the replier's."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest

from lastgate.desk.model.tickets import TicketCategory
from lastgate.desk.service import desk as d
from lastgate.kernel import present
from lastgate.kernel.access import Role
from tests.builders import account, iso
from tests.desk_support import desk_fixtures, make_desk
from tests.web_support import browser, csrf
from tests.workflow_support import AGENT_A, customer

BTC = [{"asset": "BTC", "account_type": "funding", "available": "0.25", "frozen": "0"}]
AML_REASON = "Structuring: deposits just under the reporting threshold (STR 2026-41)"
NEVER = re.compile(
    r"AML|anti-money|laundering|investigat|compliance|suspicious|confidential|STR 2026|"
    r"反洗钱|洗钱|调查|合规|可疑|机密",
    re.IGNORECASE,
)
FIELDS = ("t_role", "t_text", "t_seal", "t_at")


def _aml(clock) -> dict[str, str]:
    return {
        "id": "H-aml",
        "kind": "aml_investigation",
        "reason": AML_REASON,
        "placed_by": "compliance-cy",
        "placed_at": iso(clock() - timedelta(days=2)),
    }


def _disputed_kyc() -> dict[str, object]:
    return {"status": "disputed", "level": 2, "verified_at": "2023-01-16T10:00:00+00:00"}


config, app = desk_fixtures(
    account("U1", balances=BTC),
    account("U2"),
    lambda clock: account("UAML", holds=[_aml(clock)]),
    account("UKYC", kyc=_disputed_kyc()),
)


def _fields(page_html: str) -> dict[str, list[str]]:
    form = page_html.split('action="/web/help/handoff"')[1].split("</form>")[0]
    return {
        n: [unescape(v) for v in re.findall(rf'name="{n}" value="([^"]*)"', form)] for n in FIELDS
    }


ASKS_FOR_A_PERSON = {"en": "I would like to talk to a person.", "zh-Hans": "我想联系人工客服。"}


def _ask(client, question: str, page_html: str, lang: str = "en") -> str:
    answer = client.post(
        f"/web/help/ask?lang={lang}",
        data={"csrf": csrf(page_html), "question": question, **_fields_or_none(page_html)},
    )
    assert answer.status_code == 200
    return answer.text


def _fields_or_none(page_html: str) -> dict[str, list[str]]:
    return _fields(page_html) if 'name="t_role"' in page_html else {}


def _hand_off(client, page_html: str, message: str = "", lang: str = "en"):
    handed = client.post(
        f"/web/help/handoff?lang={lang}",
        data={"csrf": csrf(page_html), "message": message, **_fields_or_none(page_html)},
    )
    assert handed.status_code == 200 and "done=handoff" in str(handed.url), handed.text
    return handed


def _section(page_html: str, anchor: str) -> str:
    return page_html.split(f'id="{anchor}"')[1].split("</section>")[0]


def _said(section: str) -> list[tuple[str, str, str]]:
    """Each line of the conversation as a reader sees it: who, when, what."""
    found = re.findall(
        r'<li class="said (\w+)">\s*<p class="message-head"><strong>([^<]*)</strong>'
        r'(?: · <time datetime="[^"]*">([^<]*)</time>)?</p>\s*'
        r'<div class="message-body typed">(.*?)</div>',
        section,
        flags=re.S,
    )
    return [(who, unescape(when), unescape(text)) for _role, who, when, text in found]


@pytest.mark.parametrize(
    ("lang", "question", "you", "customer_word", "assistant", "btc_line"),
    [
        (
            "en",
            "Why can't I close my account?",
            "You",
            "Customer",
            "Assistant",
            "0.25 BTC remains in your funding account.",
        ),
        (
            "zh-Hans",
            "为什么我不能注销账户？",  # noqa: RUF001
            "您",
            "用户",
            "助手",
            "您的资金账户中还有 0.25 BTC。",
        ),
    ],
)
def test_the_customer_and_the_agent_read_the_conversation_on_the_ticket(
    app, clock, config, lang, question, you, customer_word, assistant, btc_line
) -> None:
    language = "zh_Hans" if lang == "zh-Hans" else "en"
    me = browser(app, clock, config, "U1")
    asked_at = clock()
    answer = _ask(me, question, me.get(f"/web/help?lang={lang}").text, lang)
    clock.advance(minutes=7)
    handed = _hand_off(me, answer, "", lang)
    handed_at = clock()

    said = _said(_section(handed.text, "conversation"))
    at = present.datetime_text(asked_at, language)
    assert [(who, when) for who, when, _ in said] == [(you, at), (assistant, at)]
    assert said[0][2] == question
    assert btc_line in said[1][2]  # the answer as the Help page showed it
    assert "0.25 BTC" in said[1][2]
    # The Help page showed its links as buttons: no link line, no URL, no internal file.
    page = handed.text
    assert "/v1/" not in page and "https://" not in page.split("<main")[1].split("</main>")[0]
    assert "/attachments/" not in page and "JSON" not in page
    assert f"<h1>{question}</h1>".replace("'", "&#39;") in page  # titled by the question
    assert present.datetime_text(handed_at, language) in page  # the ticket's own message
    # Nothing typed for the person: the message asks for one, and does not repeat the
    # question the conversation shows with its answer.
    messages = page.split('<ol class="messages"')[1].split("</ol>")[0]
    bodies = [
        unescape(b)
        for b in re.findall(r'<div class="message-body typed">(.*?)</div>', messages, re.S)
    ]
    assert bodies == [ASKS_FOR_A_PERSON[lang]]

    agent = browser(app, clock, config, "agent-ada", Role.AGENT)
    staff_path = handed.url.path.replace("/web/tickets/", "/web/desk/tickets/")
    staff = agent.get(f"{staff_path}?lang={lang}")
    seen = _said(_section(staff.text, "handoff-context"))
    assert seen == [(customer_word, at, said[0][2]), (assistant, at, said[1][2])]
    assert "desk.attachment_read" not in staff.text  # the conversation is no file read


def test_a_customer_reads_only_their_own_conversation(app, clock, config) -> None:
    me = browser(app, clock, config, "U1")
    handed = _hand_off(me, _ask(me, "Why can't I close my account?", me.get("/web/help").text))
    other = browser(app, clock, config, "U2")
    assert other.get(handed.url.path).status_code == 404


def test_a_straight_hand_off_says_there_was_no_conversation(app, clock, config) -> None:
    me = browser(app, clock, config, "U2")
    handed = _hand_off(me, me.get("/web/help?lang=zh-Hans").text, "", "zh-Hans")
    section = _section(handed.text, "conversation")
    assert "没有对话记录：您直接选择了转人工。" in section  # noqa: RUF001
    assert "<h1>与助手的对话</h1>" in handed.text  # nothing blocks: the fixed title


def test_the_queue_tells_hand_offs_apart(app, clock, config) -> None:
    me = browser(app, clock, config, "U1")
    first = _ask(me, "Why can't I close my account?", me.get("/web/help").text)
    _hand_off(me, first)
    second = _ask(me, "how long until my deposit arrives", me.get("/web/help").text)
    _hand_off(me, second, "My deposit\r\nis late\tsince Monday\u202e and more")
    _hand_off(me, me.get("/web/help").text, "talk to a person")  # no question: the blocker
    long = "Why " + " ".join(f"x{i}" for i in range(40)) + "?"
    _hand_off(me, me.get("/web/help").text, long)

    agent = browser(app, clock, config, "agent-ada", Role.AGENT)
    rows = re.findall(
        r'<td><a href="/web/desk/tickets/[^"]+">([^<]*)</a>', agent.get("/web/desk").text
    )
    titles = [unescape(r) for r in rows]
    assert titles == [
        "Why can't I close my account?",
        "My deposit is late since Monday and more",  # one line, no direction override
        "Assets left in your account",  # the customer's own first blocker
        titles[3],
    ]
    assert all(len(t) <= 80 for t in titles)
    assert titles[3].endswith("…") and long.startswith(titles[3][:-1] + " ")  # whole words
    assert len(titles[3]) > 60
    zh = [
        unescape(r)
        for r in re.findall(
            r'<td><a href="/web/desk/tickets/[^"]+">([^<]*)</a>',
            agent.get("/web/desk?lang=zh-Hans").text,
        )
    ]
    assert zh[2] != titles[2] and zh[0] == titles[0]  # a fixed title reads in Chinese


def test_a_control_character_in_the_hand_off_is_refused_and_opens_nothing(
    app, engine, clock, config, tmp_path
) -> None:
    me = browser(app, clock, config, "U2")
    page = me.get("/web/help").text
    refused = me.post("/web/help/handoff", data={"csrf": csrf(page), "message": "help\x00me"})
    assert refused.status_code == 422
    assert d.list_for_customer(make_desk(engine, clock, tmp_path), customer("U2"), "U2") == []


def _ticket_text(client, path: str, uid: str) -> str:
    """The ticket's page as its customer reads it, its own ids taken out."""
    page = client.get(path).text
    main = page.split("<main")[1].split("</main>")[0]
    ticket_id = path.split("?")[0].rsplit("/", 1)[1]
    main = re.sub(r"message-[0-9a-f-]{36}", "message-M", main)
    main = re.sub(r"[0-9a-f]{64}", "CSRF", main)  # each session's own token
    return main.replace(ticket_id, "T").replace(ticket_id[:8], "T").replace(uid, "U")


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_an_aml_hold_reads_on_the_ticket_as_any_support_matter(app, clock, config, lang) -> None:
    """An AML-held customer and one whose identity check is disputed (an ordinary support
    matter) ask the same and hand off: the title, topic and the ticket's whole page are the
    same, word for word, and never name the investigation."""
    pages, tickets = {}, {}
    for uid in ("UAML", "UKYC"):
        me = browser(app, clock, config, uid)
        answer = _ask(
            me, "Why can't I close my account?", me.get(f"/web/help?lang={lang}").text, lang
        )
        handed = _hand_off(me, answer, "", lang)
        pages[uid] = _ticket_text(me, f"{handed.url.path}?lang={lang}", uid)
        straight = _hand_off(me, me.get(f"/web/help?lang={lang}").text, "", lang)
        tickets[uid] = _ticket_text(me, f"{straight.url.path}?lang={lang}", uid)
    assert pages["UAML"] == pages["UKYC"]
    assert tickets["UAML"] == tickets["UKYC"]
    # Titled by the customer's own report: the one support item both of them read.
    title = {"en": "Our support team must help", "zh-Hans": "需要客服协助"}[lang]
    assert f"<h1>{title}</h1>" in tickets["UAML"]
    for text in (*pages.values(), *tickets.values()):
        assert not NEVER.search(text), text


# -- replying assigns ---------------------------------------------------------------------------


def _queue_row(agent, ticket_id: str) -> str:
    return agent.get("/web/desk").text.split(f'id="ticket-{ticket_id}"')[1].split("</tr>")[0]


def _opened(engine, clock, tmp_path):
    desk = make_desk(engine, clock, tmp_path)
    ticket, _ = d.open_ticket(
        desk, customer("U1"), "U1", TicketCategory.OTHER, "A question", "Hello?"
    )
    return desk, ticket


def test_replying_to_a_nobodys_ticket_makes_it_the_repliers(
    app, engine, clock, config, tmp_path
) -> None:
    desk, ticket = _opened(engine, clock, tmp_path)
    agent = browser(app, clock, config, "agent-ada", Role.AGENT)
    assert "<td>—</td>" in _queue_row(agent, ticket.id)
    page = agent.get(f"/web/desk/tickets/{ticket.id}").text
    noted = agent.post(
        f"/web/desk/tickets/{ticket.id}/note", data={"csrf": csrf(page), "body": "Looking."}
    )
    assert d.view(desk, AGENT_A, ticket.id).ticket.assignee is None  # a note is no reply
    replied = agent.post(
        f"/web/desk/tickets/{ticket.id}/reply", data={"csrf": csrf(noted.text), "body": "Hi!"}
    )
    assert "done=replied" in str(replied.url)
    assert "<dd>agent-ada</dd>" in replied.text
    assert "desk.assigned" in replied.text.split('id="tl"')[1]  # audited as assigned
    assert "<td>agent-ada</td>" in _queue_row(agent, ticket.id)
    assert "Hi!" in browser(app, clock, config, "U1").get(f"/web/tickets/{ticket.id}").text


def test_a_reply_leaves_someone_elses_ticket_theirs(app, engine, clock, config, tmp_path) -> None:
    desk, ticket = _opened(engine, clock, tmp_path)
    d.assign(desk, AGENT_A, ticket.id, assignee="agent-bo", queue=None)
    agent = browser(app, clock, config, "agent-ada", Role.AGENT)
    page = agent.get(f"/web/desk/tickets/{ticket.id}").text
    agent.post(f"/web/desk/tickets/{ticket.id}/reply", data={"csrf": csrf(page), "body": "Hi"})
    assert d.view(desk, AGENT_A, ticket.id).ticket.assignee == "agent-bo"
    assert "<td>agent-bo</td>" in _queue_row(agent, ticket.id)


def test_a_refused_reply_assigns_nobody(app, engine, clock, config, tmp_path) -> None:
    desk, ticket = _opened(engine, clock, tmp_path)
    agent = browser(app, clock, config, "agent-ada", Role.AGENT)
    bad = {"csrf": "0" * 64, "body": "Hi"}
    assert agent.post(f"/web/desk/tickets/{ticket.id}/reply", data=bad).status_code == 403
    me = browser(app, clock, config, "U1")
    token = csrf(me.get(f"/web/tickets/{ticket.id}").text)
    staff_reply = me.post(
        f"/web/desk/tickets/{ticket.id}/reply", data={"csrf": token, "body": "Hi"}
    )
    assert staff_reply.status_code == 403  # a customer is no agent
    me.post(f"/web/tickets/{ticket.id}/reply", data={"csrf": token, "body": "More."})
    seen = d.view(desk, AGENT_A, ticket.id)
    assert seen.ticket.assignee is None and len(seen.messages) == 2
