"""Every demo customer's journey through the real pages, on both databases: apply the fixes
the self-check offers, in order, following the links the cards give, until the account
may close or every blocker left leads to the person who can resolve it (a ticket form with
the right topic chosen) or to the date when time resolves it. A card that offers nothing,
or a link that answers anything but a page, fails the walk."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from lastgate.app.api import create_app
from lastgate.closure.pages.customer import ONE_STEP_FIXES
from lastgate.closure.pages.ways_forward import ONE_STEP_LABELS
from lastgate.demo.customers import demo_expectations, demo_snapshot
from lastgate.kernel.access import Role
from lastgate.ledger.adapters import tables as ledger
from lastgate.ledger.adapters.snapshot_io import import_snapshot
from lastgate.platform.auth_tokens import issue_token
from tests.journeys import ENDS, MAY_CLOSE, TIP_OFFS, WAIT
from tests.workflow_support import settings

CARD = re.compile(r'<li class="check block" id="check-([A-Z0-9_]+)">(.*?)</li>', re.DOTALL)
FIX = re.compile(r'<form method="post" action="([^"]+)" data-way="fix">')
#: A fix that cannot be undone: a link to the page that says what happens and confirms.
CONFIRM = re.compile(r'<a class="button" href="([^"]+)" data-way="confirm">')
LINK = re.compile(r'<a [^>]*href="([^"]+)" data-way="(page|ticket)"')
WAIT_AT = re.compile(r'<p data-way="wait" data-at="([^"]+)">')
MAX_STEPS = 12


@dataclass
class Card:
    code: str
    fixes: list[str] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)
    waits: list[datetime] = field(default_factory=list)


def cards(html: str) -> list[Card]:
    return [
        Card(
            code,
            FIX.findall(body) + CONFIRM.findall(body),
            LINK.findall(body),
            [datetime.fromisoformat(at) for at in WAIT_AT.findall(body)],
        )
        for code, body in CARD.findall(html)
    ]


def csrf(html: str) -> str:
    match = re.search(r'name="csrf" value="([0-9a-f]{64})"', html)
    assert match, "the page has no CSRF field"
    return match.group(1)


class Walk:
    """One customer in a browser-like client: every page it saw, and what it found."""

    def __init__(self, app, config, clock, uid: str) -> None:
        self.uid, self.clock = uid, clock
        self.client = TestClient(app, base_url="http://127.0.0.1")
        token = issue_token(config, uid, Role.CUSTOMER, timedelta(hours=1), clock())
        self.seen: list[str] = []
        self.page(self.client.get(f"/web/session?token={token}"))

    def page(self, answer) -> str:
        where = f"{self.uid}: {answer.request.method} {answer.url}"
        assert answer.status_code == 200, f"{where} answered {answer.status_code}"
        assert answer.headers["content-type"].startswith("text/html"), f"{where} is not a page"
        self.seen.append(answer.text)
        return answer.text

    def get(self, href: str) -> str:
        return self.page(self.client.get(href))

    def post(self, action: str, html: str, **fields) -> str:
        return self.page(self.client.post(action, data={"csrf": csrf(html), **fields}))

    def ticket_topic(self, href: str) -> str:
        """Open the card's ticket link; the form must have the topic of the link chosen."""
        topic = parse_qs(urlsplit(href).query)["category"][0]
        form = self.get(href)
        assert f'<option value="{topic}" selected>' in form, f"{self.uid}: {href} chose nothing"
        return topic

    def apply(self, action: str, html: str) -> str:
        """Carry out a card's fix; the sweep and the forfeit confirm what they show."""
        if action == "/web/me/dust-sweep":
            quote = self.post(action, html)
            fields = {"quote_id": re.search(r'name="quote_id" value="([^"]+)"', quote).group(1)}
            if 'name="forfeit_consent"' in quote:
                fields["forfeit_consent"] = "true"
            return self.post("/web/me/dust-sweep/execute", quote, **fields)
        if action.startswith("/web/me/fix/"):  # the confirmation first, then the fix
            confirm = self.get(action)
            assert 'id="fix-confirm"' in confirm, f"{self.uid}: {action} asks nothing"
            return self.post(action, confirm)
        return self.post(action, html)

    def forfeit(self, href: str) -> str:
        offer = self.get(href)
        named = re.findall(r'name="balance" value="([^"]+)"', offer)
        assert named and 'name="consent"' in offer, f"{self.uid}: {href} offers no consent"
        return self.post(href, offer, balance=named, consent="true")


def end_of(walk: Walk, card: Card) -> set[str]:
    """Where a blocker left at the end leads: each ticket topic (opened) and each wait."""
    ends = {f"ticket:{walk.ticket_topic(href)}" for href, kind in card.links if kind == "ticket"}
    now = walk.clock()
    assert all(at > now for at in card.waits), f"{walk.uid}: {card.code} waits for the past"
    return ends | ({WAIT} if card.waits else set())


def walk(w: Walk, lang: str = "en") -> str | dict[str, set[str]]:
    """Apply the first fix the page offers, again and again; then say where it ended."""
    html = w.get(f"/web/me?lang={lang}")
    for _ in range(MAX_STEPS):
        found = cards(html)
        assert html.count('<li class="check block"') == len(found), f"{w.uid}: a card unread"
        for card in found:
            assert card.fixes or card.links or card.waits, f"{w.uid}: {card.code} offers nothing"
            for href, _kind in card.links:
                w.get(href)  # every link the cards give opens a page
        if not found:
            assert 'class="summary ok"' in html and 'href="/web/me/close"' in html, w.uid
            return MAY_CLOSE
        forfeit = ("/web/me/dust-forfeit", "page")
        # The forfeit is the small balances' card's (a deposit that lands as dust leads to
        # the same page, to settle it once it has arrived).
        step = next(
            (c for c in found if c.fixes or (c.code == "DUST_REMAINING" and forfeit in c.links)),
            None,
        )
        if step is None:
            return {c.code: end_of(w, c) for c in found}
        html = w.apply(step.fixes[0], html) if step.fixes else w.forfeit(forfeit[0])
        assert 'class="notice"' in html, f"{w.uid}: the fix said nothing"
    pytest.fail(f"{w.uid}: still fixing after {MAX_STEPS} steps")


def matches(found: str | dict[str, set[str]], expected: str | dict[str, str]) -> bool:
    if isinstance(found, str) or isinstance(expected, str):
        return found == expected
    return set(found) == set(expected) and all(expected[c] in found[c] for c in expected)


@pytest.fixture
def app(engine, clock):
    import_snapshot(engine, demo_snapshot(clock()))
    return create_app(settings(), engine=engine, clock=clock)


def test_every_demo_customer_reaches_may_close_or_a_person_or_a_date(app, clock) -> None:
    assert set(ENDS) == set(demo_expectations()), "every demo customer has an expected end"
    ends = {uid: walk(Walk(app, settings(), clock, uid)) for uid in demo_expectations()}
    assert {uid: end for uid, end in ends.items() if not matches(end, ENDS[uid])} == {}


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_no_page_of_the_walk_tips_off_a_customer_under_investigation(app, clock, lang) -> None:
    for uid in ("DEMO-COMPLIANCE-REVIEW", "DEMO-RISK-AML"):
        w = Walk(app, settings(), clock, uid)
        assert matches(walk(w, lang), ENDS[uid])
        assert len(w.seen) >= 3  # the self-check, the ticket form (opened twice)
        for html in w.seen:
            text = html.replace(uid, "")  # the demo's own UID names what it shows
            assert [word for word in TIP_OFFS if word in text] == [], uid


def test_the_cards_offer_exactly_the_one_step_fixes_the_page_carries_out() -> None:
    assert set(ONE_STEP_LABELS) == set(ONE_STEP_FIXES)


def test_a_frozen_account_is_shown_its_small_balances_but_not_the_consent(
    app, clock, engine
) -> None:
    with engine.begin() as conn:
        conn.execute(
            update(ledger.customers)
            .where(ledger.customers.c.uid == "DEMO-DUST")
            .values(status="frozen")
        )
    w = Walk(app, settings(), clock, "DEMO-DUST")
    card = next(c for c in cards(w.get("/web/me")) if c.code == "DUST_REMAINING")
    assert card.links == [("/web/me/settings", "page")] and not card.fixes
    offer = w.get("/web/me/dust-forfeit")
    assert 'id="forfeit-frozen"' in offer and 'name="consent"' not in offer
