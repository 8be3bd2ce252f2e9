"""The certificate PDF in the customer's language: Chinese pages for a customer who used
Chinese, set in the font the package ships, read back with pypdf."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from lastgate.erasure.adapters.certificate_pdf import (
    FONT_DIR,
    FONT_FILES,
    embedded_document,
    pdf_msgids,
    render_pdf,
)
from lastgate.erasure.adapters.certificate_signing import public_key_pem, sign, verify
from lastgate.kernel.i18n import translations
from lastgate.kernel.present import formats
from tests.unit.test_certificate import SETTINGS, certificate
from tests.unit.test_certificate_forfeits import GIVEN_UP


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture(scope="module")
def signed() -> dict[str, object]:
    return sign(certificate(forfeited=GIVEN_UP), SETTINGS)


def test_a_chinese_certificate_has_chinese_headings_labels_and_the_customers_data(
    signed,
) -> None:
    pdf = render_pdf(signed, "zh_Hans")
    text = _text(pdf)
    for words in (
        "账户注销及数据删除证明",  # the title
        "您的 UID",
        "账户注销时间",
        "各类数据的处理方式",
        "身份信息",
        "已保留",
        "法律依据",
        "经您同意放弃的小额资产",
        "账户持有人",
        "核验扫描",
        "如何验证",
        "第 1 页\uff0c共 2 页",
    ):
        assert words in text, words
    # the customer's data, exactly
    for value in ("U100234", "cl_01JD8YQ0A1B2C3D4E5F6G7H8J9", "1.519", "15,000", "LUNC"):
        assert value in text, value
    assert "2031年11月23日" in text and "2026年11月23日 12:00 UTC" in text  # Chinese dates
    assert "资金账户" in text and "funding" not in text  # the account type as a word
    # The customer is addressed as 您 throughout, in the header as in the rows, never 用户.
    assert "您的每一类数据" in text and "指向您" in text and "用户" not in text
    for english in ("Certificate of account closure", "Legal basis", "Verification scan"):
        assert english not in text
    # still the same signed document inside, and it verifies
    assert verify(pdf, public_key_pem(SETTINGS)) == certificate(forfeited=GIVEN_UP)
    assert embedded_document(pdf) == embedded_document(render_pdf(signed))


def test_an_english_certificate_stays_english(signed) -> None:
    text = _text(render_pdf(signed, "en"))
    assert "Certificate of account closure and data erasure" in text
    assert "Identity" in text and "Retained" in text and "U100234" in text
    assert "Nov 23, 2031" in text and "Funding" in text
    assert "The account holder" in text
    assert "账户" not in text


def test_the_same_document_renders_to_the_same_bytes_in_each_language(signed) -> None:
    assert render_pdf(signed, "zh_Hans") == render_pdf(signed, "zh_Hans")
    assert render_pdf(signed, "zh_Hans") != render_pdf(signed, "en")


def test_the_shipped_font_covers_every_character_the_chinese_pdf_can_print() -> None:
    """Fails when the catalog's PDF texts gain a character the subset lacks: run
    ``scripts/build_cjk_font.py``."""
    catalog = translations("zh_Hans")
    needed = set()
    for msgid in pdf_msgids():
        needed |= set(catalog.gettext(msgid))
    needed |= {chr(c) for c in range(0x20, 0x7F)}
    moment = datetime(2026, 12, 7, 9, 25, tzinfo=UTC)  # the dates Babel writes
    needed |= set(formats.datetime_text(moment, "zh_Hans") + formats.date(moment, "zh_Hans"))
    needed.discard("\n")
    for name in FONT_FILES.values():
        cmap = TTFont(FONT_DIR / name).getBestCmap()
        missing = sorted(c for c in needed if ord(c) not in cmap)
        assert not missing, f"{name} lacks {''.join(missing)}: run scripts/build_cjk_font.py"


def test_every_pdf_text_has_a_chinese_translation() -> None:
    catalog = translations("zh_Hans")
    untranslated = [m for m in pdf_msgids() if catalog.gettext(m) == m]
    assert not untranslated


def test_the_font_ships_with_the_package_under_its_licence() -> None:
    assert (FONT_DIR / "OFL.txt").read_text().count("SIL OPEN FONT LICENSE Version 1.1") == 1
    for name in FONT_FILES.values():
        assert (FONT_DIR / name).stat().st_size < 400_000  # a subset, not the whole font


def test_the_certificate_speaks_to_its_holder_in_one_voice(signed) -> None:
    """Addressed to the account holder throughout, as its data categories are ("your
    trades"): "Your UID", "your data", never "the customer" beside "you"."""
    text = _text(render_pdf(signed))
    assert "Your UID" in text and "closed your account" in text
    assert "the customer" not in text.replace("\n", " ").lower()
