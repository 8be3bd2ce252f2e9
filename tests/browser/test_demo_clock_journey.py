"""The demo walked to its end, in the browser, in English and in Chinese: the demo
sign-in, a clean customer, an authenticator set up (a real TOTP code), the closure
requested and verified, its cooling-off; then the demo page's "Demo clock" ends it now,
and the customer reads that the account is being closed; the demo's own worker thread
(``demo_worker``, as ``lastgate demo`` runs it; started only then, so that this page is
read before its first pass) closes and erases it, and the customer finds the account
closed (today) and downloads the certificate, whose signature and scan hold."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from pypdf import PdfReader

from lastgate.demo.command import demo_worker
from lastgate.demo.customers import demo_snapshot
from lastgate.erasure.adapters.certificate_signing import public_key_pem, verify
from lastgate.erasure.model.certificate import ClosureCertificate
from lastgate.kernel.present import formats
from lastgate.kernel.settings import Settings
from lastgate.ledger.adapters.snapshot_io import import_snapshot
from tests.browser.conftest import VIEWPORT, follow, screenshot
from tests.browser.test_verification import confirm_authenticator
from tests.workflow_support import customer_status, outbox_rows, settings

UID = "DEMO-CLEAN-EU"
TEXT = {
    "en": {
        "sign_in_first": "Sign in below as a customer whose closure is in its cooling-off",
        "frozen": "Your account is frozen. It will be closed at Dec 7, 2026, 12:00 UTC",
        "hint": "In this demo you need not wait: you can end the cooling-off now on the demo page.",
        "ends": "Cooling-off ends on Dec 7, 2026, 12:00 UTC (in 2 weeks).",
        "button": "End the cooling-off now",
        "closing": "Your account is being closed",
        "closing_now": "The cooling-off period has ended. A final check runs now",
        "closed": "Your account is closed",
        "closed_on": "It was closed on {day}.",
        "pdf": "Certificate of account closure and data erasure",
    },
    "zh-Hans": {
        "sign_in_first": "请在下方以注销申请正处于冷静期的用户身份或以工作人员身份登录",
        "frozen": "2026年12月7日 12:00 UTC",
        "hint": "在本演示中您无需等待：可以在演示页面上立即结束冷静期。",  # noqa: RUF001
        "ends": "冷静期结束时间：2026年12月7日 12:00 UTC（2周后）。",  # noqa: RUF001
        "button": "立即结束冷静期",
        "closing": "您的账户正在注销",
        "closing_now": "冷静期已结束。系统正在进行最终检查",
        "closed": "您的账户已注销",
        "closed_on": "您的账户已于 {day} 注销。",
        "pdf": "账户注销及数据删除证明",
    },
}


@pytest.fixture
def config(tmp_path: Path) -> Settings:
    """The demo's settings as far as the walk needs them: the demo sign-in, notices
    delivered to a mailbox (erasure waits for them), and a worker that polls briskly."""
    return settings().model_copy(
        update={
            "demo_login": True,
            "webhook_url": None,
            "mailbox_dir": tmp_path / "mail",
            "worker_poll_seconds": 0.2,
        }
    )


@pytest.fixture
def worker(engine, clock, config, base_url) -> Iterator[Callable[[], None]]:
    """Starts the demo's worker thread (``lastgate.demo.command.demo_worker``) on the
    test's clock; stopped at the end."""
    stop = threading.Event()
    thread = threading.Thread(target=demo_worker, args=(config, engine, stop, clock), daemon=True)
    yield thread.start
    stop.set()
    if thread.is_alive():
        thread.join(timeout=10)


def reload_until(page, selector: str, seconds: float = 30) -> None:
    """Reload, as a person waiting would, until ``selector`` is on the page."""
    deadline = time.monotonic() + seconds
    while page.locator(selector).count() == 0:
        assert time.monotonic() < deadline, f"{selector} never appeared on {page.url}"
        time.sleep(0.5)
        page.reload()


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_the_demo_clock_lets_a_person_walk_the_closure_to_its_certificate(
    engine, clock, chromium, base_url, config, worker, lang
) -> None:
    import_snapshot(engine, demo_snapshot(clock()))
    said = TEXT[lang]
    context = chromium.new_context(viewport=VIEWPORT, accept_downloads=True)
    page = signed_in_on_the_demo_page(context, base_url, UID, lang)

    closure_page = request_with_authenticator(page, clock, engine)
    cooling = page.locator("section[aria-labelledby=cooling]").inner_text()
    assert said["frozen"] in cooling and said["hint"] in cooling
    assert customer_status(engine, UID) == "frozen"

    follow(page, "#demo-clock-hint a")
    assert urlparse(page.url).path == "/web/demo-login"
    listed = page.locator("#demo-clock-requests li")
    assert listed.count() == 1
    assert UID in listed.inner_text() and said["ends"] in listed.inner_text()
    if lang == "en":
        screenshot(page, "demo-clock")
    follow(page, f"#demo-clock-requests button:has-text('{said['button']}')")

    # Back on the request's page, before the worker's next pass: no cancel any more.
    assert page.url == closure_page
    assert said["closing"] in page.locator("h2#closing").inner_text()
    assert said["closing_now"] in page.locator("#closing-now").inner_text()
    assert page.locator("#closure-cancel, #demo-clock-hint").count() == 0
    assert page.locator(".badge.state-executing").is_visible()  # its state says so too
    assert page.locator(".badge.state-cooling_off").count() == 0
    if lang == "en":
        screenshot(page, "customer-closing")

    worker()  # the demo's worker passes every worker_poll_seconds
    certificate = closed_and_certified(page, engine, config, UID, lang)
    # Closed today, when the cooling-off was ended, not two weeks on.
    day = formats.date(certificate.closed_at, "en" if lang == "en" else "zh_Hans")
    assert certificate.closed_at.date() == clock().date()
    assert page.locator("#closed-on").inner_text() == said["closed_on"].format(day=day)

    page.goto(f"{base_url}/web/demo-login")  # nothing left cooling off for this customer
    assert urlparse(page.url).path == "/web/demo-login"  # still open to a closed account
    assert page.locator("#demo-clock-requests").count() == 0
    # Its address was erased with the account, and what was sent to it is still there to
    # read: the notice that the account is closed, newest first.
    follow(page, "#demo-mailbox-link a")
    assert said["closed"] in page.locator("#mailbox li h2").first.inner_text()
    follow(page, "a[href='/web/demo-login']")
    assert urlparse(page.url).path == "/web/demo-login"
    context.close()


def signed_in_on_the_demo_page(context, base_url: str, uid: str, lang: str):
    """A new page of ``context`` signed in as ``uid`` on the demo sign-in page, which
    first asks whoever is not signed in to sign in before its clock; on the self-check."""
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{base_url}/web/demo-login?lang={lang}")
    assert TEXT[lang]["sign_in_first"] in page.locator("#demo-clock-sign-in").inner_text()
    follow(page, f"form:has(input[name='subject'][value='{uid}']) button")
    assert urlparse(page.url).path == "/web/me"
    return page


def request_with_authenticator(page, clock, engine) -> str:
    """From the self-check of a customer who may close: an authenticator set up (a real
    TOTP code), which the closure's page says is too new to confirm it (a session alone
    sets one up), so the closure is verified with the code e-mailed instead; the
    request's page."""
    follow(page, "a[href='/web/me/settings']")
    follow(page, "form[action='/web/me/authenticator'] button")
    confirm_authenticator(page, clock)
    follow(page, "a[href='/web/me']")
    follow(page, "a[href='/web/me/close']")
    page.check("#reason-no_longer_needed")
    follow(page, "form[action='/web/me/close'] button")
    assert page.locator("#authenticator-too-new").is_visible()
    assert page.locator("#m-totp").count() == 0 and page.locator("#m-email").is_checked()
    follow(page, "form[action$='/verification'] button")
    [code] = [r["payload"]["params"]["code"] for r in outbox_rows(engine, "verification_code")]
    page.fill("#code", code)
    follow(page, "form[action$='/verification/check'] button")
    return str(page.url)


def closed_and_certified(page, engine, config, uid: str, lang: str) -> ClosureCertificate:
    """Once the worker runs: the customer's page, reloaded, says the account is closed
    and offers the certificate, whose PDF and JSON both verify, with a passed scan."""
    reload_until(page, "#certificate-pdf")  # closed, erased: the certificate is issued
    assert urlparse(page.url).path == "/web/me/closed"
    assert TEXT[lang]["closed"] in page.locator("h1").inner_text()
    assert customer_status(engine, uid) == "closed"
    with page.expect_download() as pdf:
        page.click("#certificate-pdf")
    certificate = verify(Path(pdf.value.path()).read_bytes(), public_key_pem(config))
    assert certificate.uid == uid and certificate.scan.passed, certificate.scan.findings
    printed = "\n".join(p.extract_text() for p in PdfReader(pdf.value.path()).pages)
    assert TEXT[lang]["pdf"] in printed and uid in printed
    with page.expect_download() as signed:
        page.click("#certificate-json")
    document = json.loads(Path(signed.value.path()).read_text(encoding="utf-8"))
    assert verify(document, public_key_pem(config)).uid == uid
    return certificate
