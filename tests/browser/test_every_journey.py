"""Every demo customer in the browser: click the first fix each self-check offers, again and
again, until the account may close or each blocker left leads to a ticket form with its
topic chosen (opened) or to a date. A card that offers nothing, a ticket link that opens
no page, or a journey that ends elsewhere than ``tests/journeys.py`` says, fails. (Every
link of every step is opened by the HTTP walk, ``tests/web/test_every_journey.py``.)"""

from __future__ import annotations

from datetime import datetime, timedelta

from lastgate.demo.customers import demo_expectations, demo_snapshot
from lastgate.kernel.access import Role
from lastgate.ledger.adapters.snapshot_io import import_snapshot
from lastgate.platform.auth_tokens import issue_token
from tests.browser.conftest import VIEWPORT, follow
from tests.journeys import ENDS, MAY_CLOSE, WAIT

MAX_STEPS = 8


def _opens_a_page(page, href: str) -> str:
    """Open ``href`` in the same context; it must answer 200 with HTML. Its topic, if any."""
    other = page.context.new_page()
    try:
        answer = other.goto(page.url.split("/web/")[0] + href)
        assert answer is not None and answer.status == 200, href
        assert answer.headers["content-type"].startswith("text/html"), href
        chosen = other.locator("#ticket-category option[selected]")
        return chosen.get_attribute("value") if chosen.count() else ""
    finally:
        other.close()


def _end(page, card) -> set[str]:
    ends = set()
    for link in card.locator("a[data-way='ticket']").all():
        ends.add(f"ticket:{_opens_a_page(page, link.get_attribute('href'))}")
    waits = card.locator("[data-way='wait']").all()
    assert all(datetime.fromisoformat(w.get_attribute("data-at")) for w in waits)
    return ends | ({WAIT} if waits else set())


def _walk(page, uid: str) -> str | dict[str, set[str]]:
    for _ in range(MAX_STEPS):
        cards = page.locator("li.check.block").all()
        for card in cards:
            ways = card.locator("[data-way]")
            assert ways.count(), f"{uid}: {card.get_attribute('id')} offers nothing"
        if not cards:
            assert page.locator("p.summary.ok").is_visible(), uid
            assert page.locator("a[href='/web/me/close']").is_visible(), uid
            return MAY_CLOSE
        fix = page.locator("li.check.block form[data-way='fix'] button")
        confirm = page.locator("li.check.block a[data-way='confirm']")
        forfeit = page.locator("#check-DUST_REMAINING.block a[href='/web/me/dust-forfeit']")
        if confirm.count():  # a fix that cannot be undone: its page asks first
            follow(page, "li.check.block a[data-way='confirm'] >> nth=0")
            follow(page, "#fix-confirm button")
        elif fix.count():
            follow(page, "li.check.block form[data-way='fix'] button")
            if page.locator("form[action='/web/me/dust-sweep/execute']").count():
                if page.locator("#forfeit").count():
                    page.check("#forfeit")
                follow(page, "form[action='/web/me/dust-sweep/execute'] button")
        elif forfeit.count():
            follow(page, "#check-DUST_REMAINING.block a[href='/web/me/dust-forfeit']")
            page.check("#consent")
            follow(page, "form[action='/web/me/dust-forfeit'] button")
        else:
            return {
                card.get_attribute("id").removeprefix("check-"): _end(page, card) for card in cards
            }
        assert page.locator("p.notice").is_visible(), f"{uid}: the fix said nothing"
    raise AssertionError(f"{uid}: still fixing after {MAX_STEPS} steps")


def test_every_demo_customer_walks_to_may_close_or_a_person_or_a_date(
    engine, clock, chromium, base_url, config
) -> None:
    import_snapshot(engine, demo_snapshot(clock()))
    context = chromium.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(10_000)
    found = {}
    for uid in demo_expectations():  # one browser, signed in as each customer in turn
        token = issue_token(config, uid, Role.CUSTOMER, timedelta(hours=1), clock())
        page.goto(f"{base_url}/web/session?token={token}")
        assert page.url == f"{base_url}/web/me", uid
        found[uid] = _walk(page, uid)
    context.close()
    wrong = {}
    for uid, end in found.items():
        expected = ENDS[uid]
        if isinstance(end, str) or isinstance(expected, str):
            ok = end == expected
        else:
            ok = set(end) == set(expected) and all(expected[c] in end[c] for c in expected)
        if not ok:
            wrong[uid] = end
    assert wrong == {}
