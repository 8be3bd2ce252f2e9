"""axe-core on every main page, at 1280 and 375 px, in English and in Chinese: no violation
of serious or critical impact, and no page wider than the window. axe-core comes from its
npm package (``npm ci``, pinned in package.json and package-lock.json) and is loaded into
each page by the test (an init script of the browser context).

One server, one browser context per language; each page is opened once and checked at
both widths (the viewport is resized, so the layout is redone)."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

import pytest

from lastgate.closure.model.lifecycle import ClosureReason, ClosureState
from lastgate.closure.service import workflow as closure
from lastgate.demo.customers import demo_snapshot
from lastgate.desk.model.tickets import TicketCategory
from lastgate.desk.service import desk as d
from lastgate.desk.wiring import build_desk
from lastgate.kernel.access import Role
from lastgate.ledger.adapters.snapshot_io import import_snapshot
from lastgate.platform.auth_tokens import issue_token
from tests.browser.conftest import follow
from tests.builders import account, load
from tests.workflow_support import (
    AGENT_A,
    close_as_customer,
    closed_with_certificate,
    customer,
    request_in,
    workflow,
)

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (1280, 375)
LANGUAGES = ("en", "zh-Hans")
SERIOUS = ("serious", "critical")
CLOSED = "U-CLOSED"
DUST = "DEMO-DUST"
CONVERT = "DEMO-DUST-CONVERT"  # small balances a sweep turns into more than dust: a quote
CLEAN = "DEMO-CLEAN-EU"
IN_REVIEW = "DEMO-CLEAN-US"
COOLING = "DEMO-CLEAN-DORMANT"
BLOCKED = "DEMO-OPEN-ORDERS"
VERIFYING = "DEMO-CLEAN-KEYS"
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter(v => ["serious", "critical"].includes(v.impact))
    .map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 4).map(n => n.target.join(" "))}));
}"""


def _axe_file() -> Path:
    if not AXE.exists():
        message = "axe-core is not installed: run `npm ci --no-audit --no-fund`"
        if os.environ.get("LASTGATE_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return AXE


def _states(engine, clock, config) -> dict[str, str]:
    """Every state a main page needs: a closed account with its certificate, a request
    in review, one cooling off and one asking for a code, small balances, open orders,
    a ticket with a reply and an internal note."""
    load(engine, account(CLOSED))
    wf = workflow(engine, clock, config)
    closed_with_certificate(wf, engine, clock, config, CLOSED)
    import_snapshot(engine, demo_snapshot(clock()))
    review = request_in(wf, ClosureState.IN_REVIEW, uid=IN_REVIEW, needs_review=True)
    cooling = close_as_customer(wf, engine, uid=COOLING)
    asked = closure.submit(wf, customer(VERIFYING), VERIFYING, ClosureReason.FEES, "")
    verifying = closure.start_verification(wf, customer(VERIFYING), asked.id, "email")
    desk = build_desk(config, engine, clock)
    ticket, _ = d.open_ticket(
        desk, customer(DUST), DUST, TicketCategory.CLOSURE_BLOCKED, "Blocked", "Why?"
    )
    d.reply(desk, AGENT_A, ticket.id, "Your account still holds small balances.")
    d.reply(desk, AGENT_A, ticket.id, "Checked the balances.", internal=True)
    return {
        "review": review.id,
        "cooling": cooling.id,
        "verifying": verifying.id,
        "ticket": ticket.id,
    }


def _sweep_quote(page) -> None:
    follow(page, "#check-DUST_REMAINING form[data-way='fix'] button")


def _visits(ids: dict[str, str]) -> list[tuple[str | None, Role, str | object]]:
    """Who opens which page, in order: (subject or nobody, role, address or an action
    that leads there from the self-check)."""
    c = Role.CUSTOMER
    return [
        (None, c, "/web/sign-in"),
        (None, c, "/web/demo-login"),
        (None, c, "/web/official"),
        (None, c, "/web/certificates/verify"),
        (BLOCKED, c, "/web/me"),
        (BLOCKED, c, "/web/me/fix/cancel_orders"),
        (DUST, c, "/web/me"),
        (CONVERT, c, _sweep_quote),
        (DUST, c, "/web/me/dust-forfeit"),
        (DUST, c, "/web/help"),
        (DUST, c, "/web/tickets"),
        (DUST, c, f"/web/tickets/{ids['ticket']}"),
        (DUST, c, "/web/no-such-page"),
        (CLEAN, c, "/web/me/close"),
        (CLEAN, c, "/web/me/freeze"),
        (CLEAN, c, "/web/me/settings"),
        (IN_REVIEW, c, f"/web/closure/{ids['review']}"),
        (COOLING, c, f"/web/closure/{ids['cooling']}"),
        (COOLING, c, f"/web/closure/{ids['cooling']}/cancel"),
        (VERIFYING, c, f"/web/closure/{ids['verifying']}"),
        (CLOSED, c, "/web/me/closed"),
        ("agent-ada", Role.AGENT, "/web/agent"),
        ("agent-ada", Role.AGENT, f"/web/agent/requests/{ids['review']}"),
        ("agent-ada", Role.AGENT, "/web/desk"),
        ("agent-ada", Role.AGENT, f"/web/desk/tickets/{ids['ticket']}"),
        ("agent-ada", Role.AGENT, "/web/me"),  # another role's page: the error page
        ("compliance-cy", Role.COMPLIANCE, "/web/compliance"),
    ]


def _check(page, where: str, found: list[str]) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        if (wide := page.evaluate("document.documentElement.scrollWidth")) > width:
            found.append(f"{where} @{width}px: the page is {wide} px wide")
        for violation in page.evaluate(RUN_AXE):
            found.append(
                f"{where} @{width}px: {violation['id']} ({violation['impact']}) "
                f"{violation['help']} -> {json.dumps(violation['nodes'])}"
            )


def _walk(chromium, base_url: str, config, clock, lang: str, ids, found: list[str]) -> None:
    """Open every page in ``lang`` in one context, signing in as each person in turn."""
    context = chromium.new_context(viewport={"width": WIDTHS[0], "height": 900})
    # Into every document of the context before its own scripts; an init script is not
    # held to the page's Content-Security-Policy, which thus stays as served.
    context.add_init_script(path=str(_axe_file()))
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{base_url}/web/sign-in?lang={lang}")  # remembered in the language cookie
    signed_in = None
    for subject, role, target in _visits(ids):
        if subject != signed_in:
            context.clear_cookies(name="lastgate_session")
            if subject is not None:
                token = issue_token(config, subject, role, timedelta(hours=1), clock())
                page.goto(f"{base_url}/web/session?token={token}")
            signed_in = subject
        if callable(target):
            page.goto(f"{base_url}/web/me")
            target(page)
        else:
            page.goto(base_url + target)
        assert page.locator("html").get_attribute("lang") == lang, page.url
        where = f"{lang} {subject or 'anonymous'} {page.url.removeprefix(base_url)}"
        _check(page, where, found)
    context.close()


def test_every_main_page_passes_axe_and_fits_at_both_widths_in_both_languages(
    engine, clock, chromium, base_url, config
) -> None:
    _axe_file()
    ids = _states(engine, clock, config)
    found: list[str] = []
    for lang in LANGUAGES:
        _walk(chromium, base_url, config, clock, lang, ids, found)
    assert found == [], "\n".join(found)
