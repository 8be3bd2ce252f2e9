"""Reading lastgate's pages as a test client: a signed-in browser, the form's CSRF token,
a page's heading, a self-check card and which cards block, a page's words without its
markup, and the Help page's answer. One home for the helpers every page test uses."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient

from lastgate.kernel.access import Role
from lastgate.platform.auth_tokens import issue_token

#: The pages' languages, each with its catalogue's folder name.
LANGS = {"en": "en", "zh-Hans": "zh_Hans"}


def browser(app, clock, config, subject: str | None = None, role: Role = Role.CUSTOMER):
    """A test client on ``app``; with ``subject``, signed in as them (a session cookie)."""
    client = TestClient(app, base_url="http://127.0.0.1")
    if subject is not None:
        token = issue_token(config, subject, role, timedelta(hours=1), clock())
        assert client.get(f"/web/session?token={token}").status_code == 200
    return client


def csrf(page_html: str) -> str:
    """The CSRF token of the page's forms."""
    match = re.search(r'name="csrf" value="([0-9a-f]{64})"', page_html)
    assert match, "the page has no CSRF field"
    return match.group(1)


def heading(html: str) -> str:
    """The page's ``h1``."""
    match = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert match, "the page has no heading"
    return match.group(1).strip()


def card(html: str, code: str) -> str:
    """The self-check's card for ``code``: its status class, then its markup."""
    match = re.search(rf'<li class="check (\w+)" id="check-{code}">(.*?)</li>', html, re.DOTALL)
    assert match, f"no card {code}"
    return match.group(1) + " " + match.group(2)


def text(html: str) -> str:
    """The words of ``html``, its markup gone and its spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#39;", "'")


def blocked(html: str) -> set[str]:
    """The check codes whose cards on the self-check are blocked."""
    return set(re.findall(r'<li class="check block" id="check-([A-Z_]+)">', html))


def asked_on_help(client, question: str, lang: str) -> str:
    """The Help page's answer to ``question``, asked from the page in ``lang``."""
    page = client.get(f"/web/help?lang={lang}").text
    answer = client.post("/web/help/ask", data={"csrf": csrf(page), "question": question})
    assert answer.status_code == 200
    return answer.text
