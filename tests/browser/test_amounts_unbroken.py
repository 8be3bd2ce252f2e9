"""An amount and its asset stay on one line on a phone (375 px), in English and in
Chinese: every amount of the dust sweep's tables and of the self-check's evidence reads
``15,000 LUNC`` on one line, never ``15,000`` above ``LUNC`` (``formats.UNIT_SPACE``)."""

from __future__ import annotations

import re

import pytest

from lastgate.demo.customers import demo_snapshot
from lastgate.ledger.adapters.snapshot_io import import_snapshot
from tests.browser.conftest import follow

PHONE = {"width": 375, "height": 800}
AMOUNT = re.compile(r"^[0-9][0-9.,]*\s[A-Z]{3,5}$")  # a number, a space, an asset code
#: The lines each cell's text is laid out on (the distinct tops of its line boxes).
LINES = """cell => {
  const range = document.createRange();
  range.selectNodeContents(cell);
  return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
}"""


def amount_cells(page, selector: str) -> dict[str, int]:
    """Each cell of ``selector`` that holds an amount and its asset (or a value and its
    currency), with the number of lines it is laid out on."""
    cells = {}
    for cell in page.locator(selector).all():
        text = cell.inner_text().strip()
        if AMOUNT.match(text):
            cells[text] = cell.evaluate(LINES)
    return cells


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_an_amount_and_its_asset_share_a_line_on_a_phone(engine, clock, person, lang) -> None:
    import_snapshot(engine, demo_snapshot(clock()))
    page = person("DEMO-DUST-CONVERT", lang=lang)
    page.set_viewport_size(PHONE)
    page.reload()
    evidence = amount_cells(page, "#check-DUST_REMAINING td")
    assert "15,000\u00a0LUNC" in evidence, evidence
    assert set(evidence.values()) == {1}, evidence  # each on one line

    follow(page, "#check-DUST_REMAINING form[data-way='fix'] button")
    sweep = amount_cells(page, "#sweep-lines td")
    assert {"800,000\u00a0SHIB", "8.00\u00a0USD"} <= set(sweep), sweep
    assert set(sweep.values()) == {1}, sweep
    kept = page.locator("#sweep-kept").inner_text()
    assert "15,000\u00a0LUNC" in kept  # what is not converted keeps them together as well
