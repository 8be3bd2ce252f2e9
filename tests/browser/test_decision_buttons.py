"""A staff ticket's two decision buttons stand apart, in English and in Chinese: a
compliance officer deciding a risk-lock appeal does not hit "Keep the lock" for "Lift the
lock" (or the other way round)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lastgate.kernel.access import Role
from tests.browser.conftest import follow
from tests.builders import account, iso, load

MIN_GAP_PX = 8  # the ``.actions`` row's gap


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_the_two_decision_buttons_do_not_touch(engine, clock, person, lang, tmp_path) -> None:
    hold = {
        "id": "h-risk",
        "kind": "risk_lock",
        "reason": "abnormal login",
        "placed_by": "risk-engine",
        "placed_at": iso(clock() - timedelta(days=1)),
    }
    load(engine, account("U3", holds=[hold]))
    me = person("U3")
    me.goto(me.url.split("/web/")[0] + "/web/tickets?category=account_locked#new")
    me.fill("#ticket-subject", "Locked after travelling")
    me.fill("#ticket-body", "Please unlock.")
    follow(me, "form[action='/web/tickets'] button")

    cy = person("compliance-cy", Role.COMPLIANCE, lang=lang)
    cy.goto(cy.url.split("/web/")[0] + f"/web/desk?category=account_locked&lang={lang}")
    follow(cy, "table.queue tbody a")
    form = "form[action$='/risk-lock-decision']"
    approve = cy.locator(f"{form} button[value='approve']").bounding_box()
    reject = cy.locator(f"{form} button[value='reject']").bounding_box()
    assert approve and reject
    same_row = abs(approve["y"] - reject["y"]) < 1
    if same_row:
        gap = reject["x"] - (approve["x"] + approve["width"])
    else:
        gap = reject["y"] - (approve["y"] + approve["height"])
    assert gap >= MIN_GAP_PX, gap
    cy.screenshot(path=str(tmp_path / f"decision-{lang}.png"), full_page=True)
