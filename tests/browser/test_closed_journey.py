"""A demo customer who may close, in the browser, in English and in Chinese: from the
self-check to a closed account, the worker's passes (close, deliver, erase), the
certificate downloaded from the page with its scan passed, and a closed page that offers
nothing but the certificate and a way to write to support."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlparse

import pytest
from pypdf import PdfReader

from lastgate.app.worker import run_once
from lastgate.demo.customers import demo_snapshot
from lastgate.erasure.adapters.certificate_signing import public_key_pem, verify
from lastgate.erasure.model.certificate import check_page
from lastgate.kernel.present import formats
from lastgate.kernel.settings import Settings
from lastgate.ledger.adapters.snapshot_io import import_snapshot
from tests.browser.conftest import follow, screenshot
from tests.workflow_support import outbox_rows, settings

UID = "DEMO-CLEAN-EU"
TEXT = {
    "en": {
        "closed": "Your account is closed",
        "pending": "on its way",
        "pdf": "Certificate of account closure and data erasure",
        "genuine": "Genuine: we issued this certificate and nothing in it has been changed.",
        "altered": "Not genuine: this certificate was changed after we signed it.",
        "file_hint": "File: JPEG, PNG, HEIC, PDF, MP4 or QuickTime; at most 25 MB",
    },
    "zh-Hans": {
        "closed": "您的账户已注销",
        "pending": "正在生成",
        "pdf": "账户注销及数据删除证明",
        "genuine": "真实有效：此证明由我们签发，内容未被改动。",  # noqa: RUF001
        "altered": "无效：此证明在我们签名之后被改动过。",  # noqa: RUF001
        "file_hint": "文件：JPEG、PNG、HEIC、PDF、MP4 或 QuickTime；最大 25 MB",  # noqa: RUF001
    },
}


@pytest.fixture
def config(tmp_path: Path) -> Settings:
    """The browser tests' settings, with notices delivered to files so that the worker's
    passes deliver them (erasure waits for them) as in production."""
    return settings().model_copy(
        update={"demo_login": True, "webhook_url": None, "mailbox_dir": tmp_path / "mail"}
    )


def close_from_the_self_check(page, engine) -> None:
    assert urlparse(page.url).path == "/web/me"
    follow(page, "a[href='/web/me/close']")
    page.check("#reason-no_longer_needed")
    follow(page, "form[action='/web/me/close'] button")
    page.check("#m-email")
    follow(page, "form[action$='/verification'] button")
    code = outbox_rows(engine, "verification_code")[-1]["payload"]["params"]["code"]
    page.fill("#code", code)
    follow(page, "form[action$='/verification/check'] button")
    assert page.locator(".badge.state-cooling_off").is_visible()


def offers_only_the_certificate_and_support(page) -> None:
    main = page.locator("main")
    assert [f.get_attribute("action") for f in page.locator("form").all()] == ["/web/sign-out"]
    links = {a.get_attribute("href") for a in main.locator("a").all()}
    assert links <= {
        "/web/me/certificate?format=pdf",
        "/web/me/certificate?format=json",
        "/web/certificates/verify",  # where whoever is given the certificate checks it
        "/web/tickets?category=other#new",
    }
    assert "/web/tickets?category=other#new" in links
    nav = {a.get_attribute("href") for a in page.locator("header nav a").all()}
    assert nav == {"/web/me/closed", "/web/tickets"}


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_a_customer_closes_and_finds_a_true_certificate_and_nothing_else(
    engine, clock, person, base_url, config, lang, tmp_path
) -> None:
    import_snapshot(engine, demo_snapshot(clock()))
    page = person(UID, lang=lang)
    close_from_the_self_check(page, engine)

    clock.advance(days=14, seconds=1)
    assert run_once(config, engine, clock)["closed"] == 1  # closes, then delivers the notices
    page = person(UID, lang=lang)  # a fresh token: the old one expired while the clock moved
    assert urlparse(page.url).path == "/web/me/closed"
    assert TEXT[lang]["closed"] in page.locator("h1").inner_text()
    assert TEXT[lang]["pending"] in page.locator("#certificate-pending").inner_text()
    offers_only_the_certificate_and_support(page)

    assert sum(run_once(config, engine, clock)["erased"] for _ in range(2)) == 1
    page.reload()
    with page.expect_download() as pdf:
        page.click("#certificate-pdf")
    certificate = verify(Path(pdf.value.path()).read_bytes(), public_key_pem(config))
    assert certificate.uid == UID
    printed = "\n".join(p.extract_text() for p in PdfReader(pdf.value.path()).pages)
    assert TEXT[lang]["pdf"] in printed and UID in printed  # in the customer's language
    # Its "How to verify" names the check page, for whoever the customer gives it to.
    assert check_page(config.public_base_url) in printed.replace("\n", "")
    assert certificate.scan.passed, certificate.scan.findings
    with page.expect_download() as signed:
        page.click("#certificate-json")
    document = json.loads(Path(signed.value.path()).read_text(encoding="utf-8"))
    assert verify(document, public_key_pem(config)).scan.passed
    # The page says since when, the certificate's own closing date.
    day = formats.date(certificate.closed_at, "en" if lang == "en" else "zh_Hans")
    closed_on = page.locator("#closed-on").inner_text()
    assert closed_on == (
        f"It was closed on {day}." if lang == "en" else f"您的账户已于 {day} 注销。"
    )
    offers_only_the_certificate_and_support(page)
    screenshot(page, "customer-closed" if lang == "en" else "customer-closed-zh")

    # Whoever the customer gives the PDF to checks it on the page the closed page names.
    follow(page, "#check-certificate")
    page.set_input_files("#certificate-file", pdf.value.path())
    follow(page, "form[action='/web/certificates/verify'] button")
    assert page.locator("#verdict").inner_text() == TEXT[lang]["genuine"]
    assert page.locator("#verified-uid").inner_text() == UID
    assert page.locator("#verified-closed-on").inner_text() == day
    nav = {a.get_attribute("href") for a in page.locator("header nav a").all()}
    assert nav == {"/web/me/closed", "/web/tickets"}  # still a closed account's header
    screenshot(page, "certificate-check" if lang == "en" else "certificate-check-zh")
    forged = json.loads(json.dumps(document))
    forged["certificate"]["closed_at"] = "2020-01-01T00:00:00Z"  # closed long ago, it says
    page.set_input_files(
        "#certificate-file",
        files=[
            {
                "name": "c.json",
                "mimeType": "application/json",
                "buffer": json.dumps(forged).encode(),
            }
        ],
    )
    follow(page, "form[action='/web/certificates/verify'] button")
    assert page.locator("#verdict").inner_text() == TEXT[lang]["altered"]
    page.goto(f"{base_url}/web/me/closed")

    for path in ("/web/me", "/web/me/close", "/web/me/settings", "/web/help"):
        page.goto(f"{base_url}{path}")
        assert urlparse(page.url).path == "/web/me/closed", path

    follow(page, "#write-to-support")  # support still answers a closed account
    assert page.locator("#ticket-category").input_value() == "other"
    page.fill("#ticket-subject", "My closure")
    page.fill("#ticket-body", "Is everything erased?")
    follow(page, "form[action='/web/tickets'] button[type='submit']")
    assert urlparse(page.url).path.startswith("/web/tickets/")
    # It may attach a file, its certificate say (whose PDF carries its signed JSON as an
    # attached file, which an upload may not): the hint names what it may send, and no
    # video statement, which a closed account is not asked for.
    assert page.locator("label[for='attachment-file']").inner_text() == TEXT[lang]["file_hint"]
    saved = tmp_path / pdf.value.suggested_filename  # as the browser saved it
    pdf.value.save_as(saved)
    page.set_input_files("#attachment-file", str(saved))
    follow(page, "form[action$='/attachments'] button")
    assert page.locator("#upload-error").count() == 0, page.locator("#upload-error").inner_text()
    assert "done=attached" in page.url
    # What the ticket keeps is the certificate as lastgate draws it, and it still verifies.
    with page.expect_download() as kept:
        page.click("a[href*='/attachments/'][download]")
    assert verify(Path(kept.value.path()).read_bytes(), public_key_pem(config)).uid == UID
