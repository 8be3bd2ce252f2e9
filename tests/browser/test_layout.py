"""The pages at phone width, keyboard focus, and the demo's sign-in picker."""

from __future__ import annotations

from tests.browser.conftest import SCREENSHOTS, VIEWPORT, follow
from tests.browser.test_customer import BLOCKED
from tests.builders import load


def test_the_self_check_fits_a_375_px_phone(engine, person) -> None:
    load(engine, BLOCKED)
    page = person("U1")
    page.set_viewport_size({"width": 375, "height": 740})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    viewport = page.locator("meta[name=viewport]").get_attribute("content")
    assert viewport == "width=device-width, initial-scale=1"
    page.screenshot(path=str(SCREENSHOTS / "phone-self-check.png"))


def test_keyboard_focus_is_visible_and_every_input_has_a_label(engine, person) -> None:
    load(engine, BLOCKED)
    page = person("U1")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.goto(page.url.split("/web/")[0] + "/web/me/close")
    page.focus("#reason_text")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    unlabelled = page.evaluate(
        """[...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
             .filter(el => !document.querySelector(`label[for="${el.id}"]`)).length"""
    )
    assert unlabelled == 0


def test_the_demo_lets_a_newcomer_pick_a_staff_member(chromium, base_url) -> None:
    context = chromium.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.goto(f"{base_url}/web")
    follow(page, "a[href='/web/demo-login']")
    page.screenshot(path=str(SCREENSHOTS / "demo-login.png"))
    follow(page, "form:has(input[value='agent-ada']) button")
    assert page.url.endswith("/web/agent")
    assert page.locator("h1").inner_text() == "Review queue"
    context.close()
