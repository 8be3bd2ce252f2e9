"""The certificate check page (/web/certificates/verify): anyone given a closure
certificate uploads its PDF or signed data file and reads, in their language, whether
this issuer signed it unchanged, and if not why; the form's CSRF token, the body limit
and the official-check rate limit hold for it."""

from __future__ import annotations

import base64
import json
import re

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from lastgate.app.api import create_app
from lastgate.app.edge import rate_rules
from lastgate.erasure.adapters.certificate_pdf import render_pdf
from lastgate.erasure.adapters.certificate_signing import sign
from lastgate.erasure.model.certificate import VERIFY_PATH
from lastgate.kernel.present import formats
from tests.builders import T0
from tests.unit.test_certificate import CLOSED_AT, certificate
from tests.workflow_support import settings

GENUINE = {"en": "Genuine: we issued this certificate", "zh-Hans": "真实有效"}
#: Each way a file is not a genuine certificate: its heading, then words of its reason.
REFUSALS = {
    "altered": {
        "en": ("Not genuine: this certificate was changed after we signed it.", "do not trust it"),
        "zh-Hans": ("无效：此证明在我们签名之后被改动过。", "请勿信任"),  # noqa: RUF001
    },
    "another_key": {
        "en": ("Not confirmed: it was not signed with our current key.", "write to us"),
        "zh-Hans": ("无法确认：它并非使用我们当前的密钥签名。", "请联系我们"),  # noqa: RUF001
    },
    "malformed": {
        "en": ("This file is not one of our closure certificates.", "Choose the PDF"),
        "zh-Hans": ("该文件不是我们签发的账户注销证明。", "请选择"),
    },
    "empty": {
        "en": ("The file you chose is empty.", "Choose the certificate"),
        "zh-Hans": ("您选择的文件是空的。", "请选择"),
    },
}


def refused(html: str, reason: str, lang: str) -> None:
    heading, words = REFUSALS[reason][lang]
    said = verdict(html)
    assert heading in said and words in said
    assert GENUINE[lang] not in said
    for other, texts in REFUSALS.items():  # one heading: the case's own
        assert other == reason or texts[lang][0] not in said


@pytest.fixture(scope="module")
def config():
    return settings()


@pytest.fixture(scope="module")
def client(sqlite_engine, config):
    """One app for the module: the page reads nothing from the database (one database
    is enough; its sign-in and session pages are tested on both elsewhere)."""
    app = create_app(config, engine=sqlite_engine, clock=lambda: T0)
    return TestClient(app, base_url="http://127.0.0.1")


@pytest.fixture(scope="module")
def signed(config) -> dict[str, object]:
    return sign(certificate(), config)


def check(client: TestClient, name: str, content: bytes, lang: str = "en", **form: str):
    form_page = client.get(f"{VERIFY_PATH}?lang={lang}")
    assert form_page.status_code == 200
    token = re.search(r'name="csrf" value="([0-9a-f]{64})"', form_page.text)
    assert token is not None
    fields = {"csrf": token.group(1), **form}
    return client.post(VERIFY_PATH, data=fields, files={"file": (name, content)})


def verdict(html: str) -> str:
    found = re.search(r'<section aria-labelledby="verdict".*?</section>', html, re.S)
    assert found is not None, "no verdict on the page"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(0)))


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_a_genuine_pdf_is_confirmed_with_the_account_and_its_closing_date(
    client, signed, lang
) -> None:
    pdf = render_pdf(signed, "en" if lang == "en" else "zh_Hans")

    answer = check(client, "closure-certificate.pdf", pdf, lang)

    assert answer.status_code == 200
    said = verdict(answer.text)
    assert GENUINE[lang] in said
    assert not any(texts[lang][0] in said for texts in REFUSALS.values())
    assert "U100234" in said
    assert formats.date(CLOSED_AT, "en" if lang == "en" else "zh_Hans") in said
    # How to check it without this page names the key id in the page's language only.
    key_id = {"en": "key id names the key that signed it", "zh-Hans": "证明中的密钥 ID 标明了"}
    assert key_id[lang] in answer.text
    assert lang == "en" or "key id" not in answer.text.lower()


def test_the_signed_data_file_is_checked_too(client, signed) -> None:
    answer = check(client, "closure-certificate.json", json.dumps(signed).encode())

    assert GENUINE["en"] in verdict(answer.text)


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_a_certificate_changed_after_signing_is_not_genuine(client, signed, lang) -> None:
    altered = json.loads(json.dumps(signed))
    altered["certificate"]["uid"] = "U999999"  # someone else's account, same signature

    answer = check(client, "c.json", json.dumps(altered).encode(), lang)

    refused(answer.text, "altered", lang)
    assert "U999999" not in verdict(answer.text)


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_a_certificate_signed_with_another_key_is_not_confirmed(client, config, lang) -> None:
    other = config.model_copy(
        update={"certificate_signing_key": SecretStr(base64.b64encode(b"k" * 32).decode())}
    )
    forged = sign(certificate(), other)

    refused(check(client, "c.json", json.dumps(forged).encode(), lang).text, "another_key", lang)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "malformed"),
        (b"%PDF-1.7\n%garbage", "malformed"),
        (b'{"certificate": {}, "signature": {}}', "malformed"),
        (b"", "empty"),
    ],
)
@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_a_file_that_is_no_certificate_says_so(client, content, reason, lang) -> None:
    answer = check(client, "photo.png", content, lang)

    assert answer.status_code == 200
    refused(answer.text, reason, lang)


def test_the_form_without_its_csrf_token_is_refused(client, signed) -> None:
    client.get(VERIFY_PATH)  # the page's anonymous session
    answer = client.post(VERIFY_PATH, files={"file": ("c.json", json.dumps(signed).encode())})

    assert answer.status_code == 403
    assert "verdict" not in answer.text


def test_a_file_over_the_body_limit_is_refused_unread(client, config) -> None:
    answer = check(client, "big.pdf", b"%PDF" + b"0" * config.max_body_bytes)

    assert answer.status_code == 413
    assert "verdict" not in answer.text


def test_the_check_counts_against_the_official_check_limit(config) -> None:
    matched = [r.name for r in rate_rules(config) if r.matches("POST", VERIFY_PATH)]

    assert matched[:1] == ["official_check"]
