"""The self-check puts a check the customer cannot act on (our review of their request)
under "Waiting on us", with no "How to fix it", and keeps "What to fix" for what is
theirs; through the real app on both databases (the ``engine`` fixture), en + zh-Hans."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lastgate.closure.model.lifecycle import ClosureState
from lastgate.closure.service.workflow import Workflow
from tests.builders import withdrew_above_review
from tests.desk_support import desk_fixtures
from tests.web_support import browser
from tests.workflow_support import request_in

HEADING = {
    "en": ("What to fix", "Waiting on us", "How to fix it"),
    "zh-Hans": ("需要解决的事项", "等待我们处理", "解决方法"),
}


config, app = desk_fixtures(
    lambda clock: withdrew_above_review("WR", clock()),
    lambda clock: withdrew_above_review("WRK", clock(), kyc={"status": "pending", "level": 1}),
)


def _section(page: str, section: str) -> str:
    return page.split(f'aria-labelledby="{section}"')[1].split("</section>")[0]


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_our_review_waits_on_us_and_what_is_theirs_stays_to_fix(app, clock, config, lang):
    fix, ours, how = HEADING[lang]
    page = browser(app, clock, config, "WR").get("/web/me", params={"lang": lang}).text
    waiting = _section(page, "waiting-on-us")
    assert f">{ours}</h2>" in waiting and 'id="check-WITHDRAWAL_REVIEW"' in waiting
    assert how not in waiting
    assert 'aria-labelledby="checks"' not in page and f">{fix}</h2>" not in page

    page = browser(app, clock, config, "WRK").get("/web/me", params={"lang": lang}).text
    theirs = _section(page, "checks")
    assert f">{fix}</h2>" in theirs and 'id="check-KYC_INCOMPLETE"' in theirs and how in theirs
    assert 'id="check-WITHDRAWAL_REVIEW"' in _section(page, "waiting-on-us")


REVIEWED = {
    "en": "Yes: nothing blocks the closure of your account. Our team has reviewed your request.",
    "zh-Hans": "我们的团队已审核您的申请。",
}


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_once_the_request_is_approved_the_review_is_said_done(app, clock, config, lang):
    """Approved by the reviewers and cooling off: not "a person will review your request"
    and a review still "waiting on us"."""
    wf = app.state.context.service(Workflow)
    request_in(wf, ClosureState.COOLING_OFF, uid="WR", needs_review=True,
               cooling_off_ends_at=clock() + timedelta(days=14))  # fmt: skip
    page = browser(app, clock, config, "WR").get("/web/me", params={"lang": lang}).text
    summary = page.split('<p class="summary ok">')[1].split("</p>")[0]
    assert REVIEWED[lang] in summary
    assert 'aria-labelledby="waiting-on-us"' not in page
