"""The agent's page of a closure request says the customer's language, to write the
rejection reason in (it reaches the customer as typed), with the ticket page's helper and
block; through the real app on both databases (the ``engine`` fixture), the page read in
either language."""

from __future__ import annotations

from html import unescape

import pytest

from lastgate.closure.model.lifecycle import ClosureState
from lastgate.closure.service.workflow import Workflow
from lastgate.kernel.access import Role
from tests.builders import account
from tests.desk_support import desk_fixtures
from tests.web_support import browser
from tests.workflow_support import request_in

NAME = {"en": '<span lang="en">English</span>', "zh-Hans": '<span lang="zh-Hans">中文</span>'}
WRITE_IN = {
    ("en", "zh-Hans"): "Write it in the customer's language, 中文",
    ("zh-Hans", "en"): "请用用户的语言（English）填写",  # noqa: RUF001
}


config, app = desk_fixtures(account("U1"))


@pytest.mark.parametrize(("staff", "theirs"), [("en", "zh-Hans"), ("zh-Hans", "en")])
def test_the_request_page_says_which_language_to_write_the_reason_in(
    app, clock, config, staff, theirs
) -> None:
    request = request_in(
        app.state.context.service(Workflow), ClosureState.IN_REVIEW, uid="U1", needs_review=True
    )
    browser(app, clock, config, "U1").get("/web/me", params={"lang": theirs})  # theirs now
    agent = browser(app, clock, config, "agent-ada", Role.AGENT)
    page = unescape(agent.get(f"/web/agent/requests/{request.id}", params={"lang": staff}).text)
    shown = page.split('id="customer-language">')[1].split("</dd>")[0]
    assert NAME[theirs] in shown
    assert WRITE_IN[(staff, theirs)] in page.split('id="reason-language"')[1].split("</p>")[0]
