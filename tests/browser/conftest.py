"""Browser tests: the real app under uvicorn on a free local port, driven by Debian's
chromium through Playwright. No browser is ever downloaded; without /usr/bin/chromium
these tests are skipped, unless ``LASTGATE_REQUIRE_BROWSER=1`` (as in CI, where
``.ci/run`` installs it): then they fail."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from lastgate.app.api import create_app
from lastgate.kernel.access import Role
from lastgate.kernel.settings import Settings
from lastgate.platform.auth_tokens import issue_token
from tests.conftest import _empty
from tests.live_server import live_server
from tests.workflow_support import settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
VIEWPORT = {"width": 1000, "height": 800}


@pytest.fixture
def engine(sqlite_engine: Engine) -> Iterator[Engine]:
    """SQLite only: the browser tests exercise the pages, the databases are covered elsewhere."""
    _empty(sqlite_engine)
    yield sqlite_engine


@pytest.fixture
def config() -> Settings:
    return settings().model_copy(update={"demo_login": True})


@pytest.fixture
def base_url(engine: Engine, clock, config: Settings) -> Iterator[str]:
    """The whole app served by uvicorn in a thread, on the test's database and clock."""
    app = create_app(config, engine=engine, clock=clock)
    with live_server(app, lifespan="off") as url:
        yield url


@pytest.fixture(scope="session")
def chromium():
    if not CHROMIUM.exists():
        message = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("LASTGATE_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def person(chromium, base_url: str, clock, config: Settings) -> Iterator[Callable[..., object]]:
    """``person(subject, role)``: a fresh browser page signed in through the token hand-over."""
    contexts = []

    def sign_in(subject: str, role: Role = Role.CUSTOMER, lang: str = "en"):
        context = chromium.new_context(viewport=VIEWPORT, accept_downloads=True)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        token = issue_token(config, subject, role, timedelta(hours=1), clock())
        page.goto(f"{base_url}/web/session?token={token}")
        page.goto(f"{page.url}?lang={lang}")
        return page

    yield sign_in
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> None:
    """Keep docs/screenshots current: each run overwrites the page's picture."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def follow(page, selector: str) -> None:
    """Click a link or a form's button and wait until the page it leads to has loaded."""
    with page.expect_navigation():
        page.click(selector)
