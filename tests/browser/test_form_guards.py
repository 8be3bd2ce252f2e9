"""Forms a customer cannot get stuck in, walked in chromium in English and Chinese:
an invisible character pasted into a field is named on the error page and taken out of
the form on the way back; a double click sends a form once; a form sent after signing out
in another tab leads to the sign-in page that says the session ended, and back."""

from __future__ import annotations

import contextlib
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest

from lastgate.demo.customers import demo_snapshot
from lastgate.kernel.access import Role
from lastgate.ledger.adapters.snapshot_io import import_snapshot
from lastgate.platform.auth_tokens import issue_token
from tests.browser.conftest import follow
from tests.browser.test_dust_journey import CARD, UID, blocked
from tests.browser.test_dust_journey import TEXT as DUST
from tests.builders import account, load

TEXT = {
    "en": {
        "heading": "An invisible character was in the form",
        "named": "“Subject” held an invisible character",
        "question": "“Your question” held an invisible character",
        "back": "Go back to the form",
        "sent": "Your message is sent.",
        "ended": "Your session has ended, so you are signed out.",
        "closed": "The ticket is closed.",
        "reason": "“Anything you want to tell us (optional)” held an invisible character",
    },
    "zh-Hans": {
        "heading": "表单中有不可见字符",
        "named": "“主题”中含有不可见字符",
        "question": "“您的问题”中含有不可见字符",
        "back": "返回表单",
        "sent": "您的消息已发送。",
        "ended": "已自动退出。请重新登录",
        "closed": "工单已关闭。",
        "reason": "“您想告诉我们的其他内容（选填）”中含有不可见字符",  # noqa: RUF001
    },
}
LANGS = list(TEXT)


def _paste(page, selector: str, text: str) -> None:
    """Put ``text`` into a field as pasting does, control characters and all."""
    page.fill(selector, "")
    page.eval_on_selector(selector, "(el, text) => { el.value = text; }", text)
    assert page.input_value(selector) == text


@pytest.mark.parametrize("lang", LANGS)
def test_an_invisible_character_is_named_and_taken_out_on_the_way_back(
    engine, person, lang
) -> None:
    load(engine, account("U1000"))
    page = person("U1000", lang=lang)
    page.goto(page.url.split("/web/")[0] + "/web/tickets")
    _paste(page, "#ticket-subject", "Cannot\x1b close\x07")
    _paste(page, "#ticket-body", "Line one\nline\ttwo")
    follow(page, "form[action='/web/tickets'] button[type='submit']")
    assert page.locator("h1").inner_text().strip() == TEXT[lang]["heading"]
    assert TEXT[lang]["named"] in page.locator(".error-what").inner_text()

    follow(page, "#error-next")
    assert TEXT[lang]["back"] not in page.content()  # back on the form
    assert urlparse(page.url).path == "/web/tickets"
    assert page.input_value("#ticket-subject") == "Cannot close"
    assert page.input_value("#ticket-body") == "Line one\nline\ttwo"  # lines and tabs stay
    assert page.locator("form[action='/web/tickets'] button[type='submit']").is_enabled()
    follow(page, "form[action='/web/tickets'] button[type='submit']")
    assert TEXT[lang]["sent"] in page.locator("p.notice").inner_text()


@pytest.mark.parametrize("lang", LANGS)
def test_the_close_form_with_a_pasted_escape_can_be_sent_after_going_back(
    engine, person, lang
) -> None:
    load(engine, account("U1000"))
    page = person("U1000", lang=lang)
    page.goto(page.url.split("/web/")[0] + "/web/me/close")
    page.check("#reason-no_longer_needed")
    _paste(page, "#reason_text", "Moving\x1b abroad")
    follow(page, "form[action='/web/me/close'] button[type='submit']")
    assert TEXT[lang]["reason"] in page.locator(".error-what").inner_text()
    follow(page, "#error-next")
    assert page.is_checked("#reason-no_longer_needed")
    assert page.input_value("#reason_text") == "Moving abroad"
    follow(page, "form[action='/web/me/close'] button[type='submit']")
    assert page.locator(".badge.state-draft").is_visible()


@pytest.mark.parametrize("lang", LANGS)
def test_what_is_kept_and_put_back_has_no_invisible_character(engine, person, lang) -> None:
    load(engine, account("U1000"))
    page = person("U1000", lang=lang)
    base = page.url.split("/web/")[0]
    page.goto(f"{base}/web/help")
    _paste(page, "#question", "why\x1b not\x9b")
    follow(page, "form[action='/web/help/ask'] button[type='submit']")
    assert TEXT[lang]["question"] in page.locator(".error-what").inner_text()
    kept = page.evaluate("JSON.parse(sessionStorage.getItem('lastgate-form'))")
    assert list(kept["values"].values()) == ["why not"]
    follow(page, "#error-next")
    assert page.input_value("#question") == "why not"

    # What an older page kept, characters and all, is cleaned when it is put back.
    page.evaluate(
        """() => sessionStorage.setItem("lastgate-form", JSON.stringify({
             action: "/web/help/ask", page: "/web/help", restore: true,
             values: {"question#0": "again\\u0007 please"}}))"""
    )
    page.reload()
    assert page.input_value("#question") == "again please"


def _double_click(page, selector: str, path: str) -> list[str]:
    """Click ``selector``, then click it again while the first request is on its way (held
    back here until then, as a slow answer is), the way a double click does; the bodies
    of the POSTs to ``path`` the browser sent."""
    posts: list[str] = []
    held: list = []
    page.on("request", lambda r: posts.append(r.post_data or "") if r.method == "POST" else None)

    def hold(route) -> None:
        held.append(route)

    page.route(f"**{path}", hold)
    page.locator(selector).scroll_into_view_if_needed()
    box = page.locator(selector).bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    with page.expect_request(f"**{path}"):
        page.mouse.click(x, y)
    page.mouse.click(x, y)  # the second click: a disabled button takes none
    page.unroute(f"**{path}", hold)
    for route in held:
        with contextlib.suppress(Exception):  # a request the browser gave up has no answer
            route.continue_()
    page.wait_for_selector("p.notice, h1#error-heading")
    return posts


@pytest.mark.parametrize("lang", LANGS)
def test_a_double_click_on_the_forfeit_sends_it_once_and_shows_success(
    engine, clock, person, lang
) -> None:
    import_snapshot(engine, demo_snapshot(clock()))
    page = person(UID, lang=lang)
    follow(page, f"{CARD} a[data-way='page'][href='/web/me/dust-forfeit']")
    page.check("#consent")
    button = "form[action='/web/me/dust-forfeit'] button"
    posts = _double_click(page, button, "/web/me/dust-forfeit")
    assert len(posts) == 1
    assert DUST[lang]["given_up"] in page.locator("p.notice").inner_text()
    assert blocked(page) == set()


@pytest.mark.parametrize("lang", LANGS)
def test_a_double_click_keeps_the_clicked_buttons_value(engine, person, lang) -> None:
    load(engine, account("U1000"))
    page = person("U1000", lang=lang)
    page.goto(page.url.split("/web/")[0] + "/web/tickets")
    page.fill("#ticket-subject", "Hello")
    page.fill("#ticket-body", "Please close it")
    follow(page, "form[action='/web/tickets'] button[type='submit']")
    posts = _double_click(page, "form[action$='/state'] button[name='event']", "/state")
    assert len(posts) == 1 and "event=close" in posts[0]
    assert TEXT[lang]["closed"] in page.locator("p.notice").inner_text()


@pytest.mark.parametrize("lang", LANGS)
def test_a_form_sent_after_signing_out_in_another_tab_asks_to_sign_in_again(
    engine, clock, config, person, lang
) -> None:
    load(engine, account("U1000"))
    page = person("U1000", lang=lang)
    base = page.url.split("/web/")[0]
    page.goto(f"{base}/web/help")
    other = page.context.new_page()
    other.goto(f"{base}/web/me")
    follow(other, "form[action='/web/sign-out'] button")

    page.fill("#question", "Why can I not close?")
    follow(page, "form[action='/web/help/ask'] button[type='submit']")
    url = urlparse(page.url)
    assert url.path == "/web/sign-in"
    assert parse_qs(url.query) == {"ended": ["1"], "next": ["/web/help"]}
    assert TEXT[lang]["ended"] in page.locator("#session-ended").inner_text()

    token = issue_token(config, "U1000", Role.CUSTOMER, timedelta(hours=1), clock())
    page.goto(f"{base}/web/session?token={token}")
    assert urlparse(page.url).path == "/web/help"  # back where the form was


@pytest.mark.parametrize("lang", LANGS)
def test_signing_out_in_a_second_tab_after_the_first_lands_on_the_sign_in_page(
    engine, person, lang
) -> None:
    load(engine, account("U1000"))
    page = person("U1000", lang=lang)
    other = page.context.new_page()
    other.goto(page.url)
    follow(other, "form[action='/web/sign-out'] button")
    follow(page, "form[action='/web/sign-out'] button")
    assert urlparse(page.url).path == "/web/sign-in"
    assert page.locator("h1#error-heading").count() == 0
