"""A rejection upheld on appeal is final for its request: the closure page and the Help
page no longer offer the same appeal, and say what the customer can still do; a new
request after any rejection goes to a person's review, so it cannot go around the
decision. Both databases (the ``engine`` fixture)."""

from __future__ import annotations

import pytest

from lastgate.closure.model.lifecycle import ClosureReason, ClosureState
from lastgate.closure.service import workflow as closure
from tests.builders import account, load
from tests.desk_support import appeal_decided, desk_fixtures, make_desk
from tests.web_support import browser
from tests.workflow_support import AGENT_A, customer, request_in, workflow

APPEAL_LINK = "/web/tickets?category=closure_rejected#new"


config, app = desk_fixtures(account("U2"), account("U3"))


def _rejected(engine, clock, uid: str = "U3"):
    """``uid``'s request, rejected, no appeal decided yet."""
    wf = workflow(engine, clock)
    request = request_in(wf, ClosureState.IN_REVIEW, uid=uid, needs_review=True)
    closure.reject(wf, AGENT_A, request.id, "Documents unclear.")
    return wf, request


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_an_upheld_rejection_offers_no_appeal_again_and_says_what_is_left(
    app, engine, clock, config, tmp_path, lang
) -> None:
    _, pending = _rejected(engine, clock)  # U3: may still appeal
    other = browser(app, clock, config, "U3")
    page = other.get(f"/web/closure/{pending.id}", params={"lang": lang}).text
    assert APPEAL_LINK in page and 'id="upheld-on-appeal"' not in page
    assert APPEAL_LINK in other.get("/web/help", params={"lang": lang}).text

    _, request = appeal_decided(engine, clock, tmp_path, "U2", overturn=False)
    me = browser(app, clock, config, "U2")
    page = me.get(f"/web/closure/{request.id}", params={"lang": lang}).text
    final = {
        "en": "the rejection stands: this decision is final for this request",
        "zh-Hans": "驳回决定维持不变",
    }[lang]
    assert APPEAL_LINK not in page and 'id="upheld-on-appeal"' in page and final in page
    assert APPEAL_LINK not in me.get("/web/help", params={"lang": lang}).text


def test_a_new_request_after_a_rejection_is_reviewed_by_a_person(engine, clock) -> None:
    load(engine, account("U3"))
    wf, _ = _rejected(engine, clock)
    again = closure.submit(wf, customer("U3"), "U3", ClosureReason.FEES, "")
    assert again.needs_review  # the account itself needs no review: the rejection does


def test_a_first_request_of_a_clean_account_needs_no_review(engine, clock) -> None:
    load(engine, account("U2"))
    first = closure.submit(workflow(engine, clock), customer("U2"), "U2", ClosureReason.FEES, "")
    assert not first.needs_review


@pytest.mark.parametrize("question", ["I want to appeal", "what is the status of my closure?"])
def test_the_assistant_offers_no_appeal_again_once_the_rejection_stands(
    engine, clock, config, tmp_path, question
) -> None:
    from lastgate.desk.service.assistant import ask

    load(engine, account("U2"), account("U3"))
    _rejected(engine, clock)
    desk = make_desk(engine, clock, tmp_path)
    before = ask(desk, customer("U3"), "U3", question, "en")  # may still appeal
    assert "appeal" in {item.action for item in before.items}
    appeal_decided(engine, clock, tmp_path, "U2", overturn=False)
    after = ask(desk, customer("U2"), "U2", question, "en")
    assert "appeal" not in {item.action for item in after.items}
    assert "REJECTION_STANDS" in {item.code for item in after.items}
