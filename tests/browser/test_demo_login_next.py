"""The demo sign-in comes back to the page a person was sent to sign in from, as the real
sign-in does, in English and in Chinese: a session that ended on a deep page leads to the
sign-in page, its demo link carries ``next``, and picking a demo customer lands on that
page. ``next`` is held to this site's pages by the real sign-in's guard (``local_path``):
anything else leads to the start page."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from lastgate.demo.customers import demo_snapshot
from lastgate.ledger.adapters.snapshot_io import import_snapshot
from tests.browser.conftest import follow

DEEP = "/web/me/settings"
ENDED = {"en": "Your session has ended", "zh-Hans": "您的登录已过期"}


def pick(page, uid: str) -> None:
    follow(page, f"form:has(input[name='subject'][value='{uid}']) button")


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_the_demo_sign_in_lands_on_the_page_the_session_ended_on(
    engine, clock, person, base_url, lang
) -> None:
    import_snapshot(engine, demo_snapshot(clock()))
    page = person("DEMO-DUST", lang=lang)
    page.goto(f"{base_url}{DEEP}")
    clock.advance(hours=2)  # the one-hour session ends
    page.reload()
    assert urlparse(page.url).path == "/web/sign-in"
    assert ENDED[lang] in page.locator("#session-ended").inner_text()
    assert page.locator("#demo-login").get_attribute("href") == (
        "/web/demo-login?next=%2Fweb%2Fme%2Fsettings"
    )
    follow(page, "#demo-login")
    assert page.locator("html").get_attribute("lang") == lang
    pick(page, "DEMO-DUST")
    assert urlparse(page.url).path == DEEP  # back where the session ended, signed in
    assert page.locator("header").inner_text().count("DEMO-DUST") == 1


@pytest.mark.parametrize(
    "wanted", ["/web/me/settings", "https://evil.example/web/me", "//evil.example/web", "/v1/x"]
)
def test_the_demo_sign_in_follows_next_only_to_this_sites_pages(
    engine, clock, chromium, base_url, wanted
) -> None:
    import_snapshot(engine, demo_snapshot(clock()))
    context = chromium.new_context()
    page = context.new_page()
    page.goto(f"{base_url}/web/demo-login?next={wanted}")
    pick(page, "DEMO-DUST")
    landed = urlparse(page.url)
    assert landed.netloc == urlparse(base_url).netloc
    assert landed.path == (wanted if wanted == DEEP else "/web/me")
    context.close()
