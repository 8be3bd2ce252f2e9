"""The assistant's numbered steps stay steps wherever its answer is written down: in the
hand-off's transcript on the ticket and in the API's answer each step starts a line of
its own (the line that introduces them, then "1. …" on the next line), as on the Help page. Over
HTTP, in English and in Chinese, on both databases."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from lastgate.kernel.access import Role
from lastgate.platform.auth_tokens import issue_token
from tests.builders import account
from tests.desk_support import desk_fixtures
from tests.e2e.test_assistant_transcript import _asked, _fields
from tests.web_support import browser, csrf

ASKED = {"en": "How do I close my account?", "zh-Hans": "怎么注销账户？"}  # noqa: RUF001
INTRO = {"en": "It goes like this:", "zh-Hans": "流程如下："}  # noqa: RUF001


config, app = desk_fixtures(account("U1"))


def _steps_on_their_own_lines(text: str, intro: str) -> None:
    assert f"{intro}\n1. " in text, text
    for n in (2, 3, 4):
        assert f"\n{n}. " in text, text
    assert not re.search(r"[^\n]\d\. ", text), text  # no step run into the line before


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_the_transcript_on_the_ticket_keeps_each_step_on_its_line(app, clock, config, lang):
    me = browser(app, clock, config, "U1")
    me.cookies.set("lastgate_lang", lang)
    me.get("/web/help", params={"lang": lang})
    answer = _asked(me, ASKED[lang])
    said = _fields(answer, "t_text")[1]
    _steps_on_their_own_lines(said, INTRO[lang])

    fields = {n: _fields(answer, n) for n in ("t_role", "t_text", "t_seal", "t_at")}
    handed = me.post("/web/help/handoff", data={"csrf": csrf(answer), **fields})
    assert "done=handoff" in str(handed.url), handed.text
    ticket = html.unescape(me.get(handed.url.path).text)
    body = ticket.split('class="transcript"')[1].split("</ol>")[0]
    _steps_on_their_own_lines(body, INTRO[lang])


def test_the_api_answer_keeps_each_step_on_its_line(app, clock, config) -> None:
    token = issue_token(config, "U1", Role.CUSTOMER, timedelta(hours=1), clock())
    api = TestClient(app)
    for lang, question in ASKED.items():
        reply = api.post(
            "/v1/accounts/U1/assistant",
            json={"question": question},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert reply.status_code == 200, reply.text
        steps = next(i["text"] for i in reply.json()["items"] if INTRO[lang] in i["text"])
        _steps_on_their_own_lines(steps, INTRO[lang])
