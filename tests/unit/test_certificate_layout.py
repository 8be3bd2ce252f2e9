"""The certificate PDF keeps each section's heading on the page of its first lines: no
page ends on a heading (read back with pypdf, in English and Chinese)."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from lastgate.erasure.adapters import certificate_pdf as c
from lastgate.erasure.adapters.certificate_signing import sign
from lastgate.kernel.i18n import translations
from tests.unit.test_certificate import SETTINGS, certificate
from tests.unit.test_certificate_forfeits import GIVEN_UP

TITLES = (
    c.CATEGORIES_TITLE,
    c.FORFEITED_TITLE,
    c.SCAN_TITLE,
    c.SIGNATURE_TITLE,
    c.VERIFY_TITLE,
)


@pytest.mark.parametrize("language", ["en", "zh_Hans"])
@pytest.mark.parametrize("forfeited", [GIVEN_UP, None], ids=["forfeits", "no-forfeits"])
def test_no_page_ends_on_a_section_heading(language: str, forfeited: object) -> None:
    changes = {"forfeited": forfeited} if forfeited is not None else {}
    pdf = c.render_pdf(sign(certificate(**changes), SETTINGS), language)
    headings = {translations(language).gettext(title) for title in TITLES}
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) > 1  # the case this guards: a section crossing a page
    for number, page in enumerate(pages, start=1):
        lines = [line.strip() for line in page.extract_text().splitlines() if line.strip()]
        above_footer = lines[-2]  # the last line is the footer (issuer, run, page x of y)
        assert above_footer not in headings, (language, number, above_footer)
