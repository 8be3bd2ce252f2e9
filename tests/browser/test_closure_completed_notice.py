"""The notice that an account is closed says where its certificate is, in English and in
Chinese: the e-mail carries the closed account's page under the public URL, and that
link opens the page the certificate is downloaded from: on its way while the data is
erased, then the PDF, in the customer's language."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
from pypdf import PdfReader

from lastgate.app.worker import run_once
from lastgate.demo.customers import demo_snapshot
from lastgate.ledger.adapters.snapshot_io import import_snapshot
from tests.browser import test_appeal_from_email as served
from tests.browser.test_closed_journey import TEXT, UID, close_from_the_self_check

#: The app served at the public URL its notices' links start with, the mailbox beside it.
config = served.config
base_url = served.base_url

SUBJECT = {"en": "Your account is closed", "zh-Hans": "您的账户已注销"}
WHERE = {
    "en": "Download the certificate from your closed account's page",
    "zh-Hans": "请在已注销账户页面下载",
}


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_the_closed_notice_links_to_the_certificate(
    engine,
    clock,
    config,
    base_url,
    person,
    lang,
) -> None:
    import_snapshot(engine, demo_snapshot(clock()))
    close_from_the_self_check(person(UID, lang=lang), engine)
    clock.advance(days=14, seconds=1)
    assert run_once(config, engine, clock)["closed"] == 1  # closes, then delivers the notices

    mail = served.the_email(config.mailbox_dir or Path(), "closure_completed")
    assert mail["Subject"] == SUBJECT[lang] and mail["Content-Language"] == lang
    body = mail.get_content()
    assert WHERE[lang] in body
    [link] = re.findall(r"https?://[!-~]+", body)
    assert link == f"{base_url}/web/me/closed"

    page = person(UID, lang=lang)  # a fresh token: the old one expired while the clock moved
    page.goto(link)
    assert urlparse(page.url).path == "/web/me/closed"
    assert TEXT[lang]["pending"] in page.locator("#certificate-pending").inner_text()
    assert sum(run_once(config, engine, clock)["erased"] for _ in range(2)) == 1
    page.goto(link)
    with page.expect_download() as pdf:
        page.click("#certificate-pdf")
    printed = "\n".join(p.extract_text() for p in PdfReader(pdf.value.path()).pages)
    assert TEXT[lang]["pdf"] in printed and UID in printed
