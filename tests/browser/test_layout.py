"""The pages at phone width, keyboard focus (visible, 3:1 against the page), and the demo's
sign-in picker."""

from __future__ import annotations

import re

from tests.browser.conftest import SCREENSHOTS, VIEWPORT, follow
from tests.browser.test_customer import BLOCKED
from tests.builders import account, load


def _rgb(css: str) -> tuple[int, int, int]:
    red, green, blue = (int(part) for part in re.findall(r"\d+", css)[:3])
    return red, green, blue


def _contrast(one: tuple[int, int, int], other: tuple[int, int, int]) -> float:
    """The WCAG contrast ratio of two sRGB colours."""

    def luminance(rgb: tuple[int, int, int]) -> float:
        def linear(channel: int) -> float:
            c = channel / 255
            return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

        r, g, b = (linear(c) for c in rgb)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    lighter, darker = sorted((luminance(one), luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


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
    load(engine, BLOCKED, account("U2"))
    page = person("U2")  # nothing blocks: the close page has its form
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.goto(page.url.split("/web/")[0] + "/web/me/close")
    page.focus("#reason_text")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    ring = _rgb(page.evaluate("getComputedStyle(document.activeElement).outlineColor"))
    page_background = _rgb(page.evaluate("getComputedStyle(document.body).backgroundColor"))
    for background in ((255, 255, 255), page_background):  # WCAG 1.4.11: 3:1 at least
        assert _contrast(ring, background) >= 3, (ring, background)
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
