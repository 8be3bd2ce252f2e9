"""The dust sweep in the browser, in English and in Chinese: what is converted is a table
under its caption; the token with no price is not in it, not given up and asks no consent:
the quote names it apart and says it stays in the account, to be decided about on its own."""

from __future__ import annotations

import pytest

from lastgate.demo.customers import demo_snapshot
from lastgate.ledger.adapters.snapshot_io import import_snapshot
from tests.browser.conftest import follow

KEPT = {
    "en": ("Not converted: 15,000\u00a0LUNC.", "it stays in your account and still blocks"),
    "zh-Hans": ("不参与兑换：15,000\u00a0LUNC。", "它会留在您的账户中"),  # noqa: RUF001
}


def assets(page, table: str) -> list[str]:
    rows = page.locator(f"{table} tbody tr").all()
    return [row.locator("td").nth(1).inner_text() for row in rows]


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_the_sweep_converts_what_sells_and_names_the_unpriced_token_it_leaves(
    engine, clock, person, lang, tmp_path
) -> None:
    import_snapshot(engine, demo_snapshot(clock()))
    page = person("DEMO-DUST-CONVERT", lang=lang)
    follow(page, "#check-DUST_REMAINING form[data-way='fix'] button")
    assert sorted(assets(page, "#sweep-lines")) == ["DOGE", "SHIB"]
    assert page.locator("#sweep-given-up").count() == 0
    assert page.locator("label[for='forfeit']").count() == 0  # no consent: nothing given up
    kept = page.locator("#sweep-kept")
    assert kept.is_visible()
    for words in KEPT[lang]:
        assert words in kept.inner_text()
    page.screenshot(path=str(tmp_path / f"sweep-{lang}.png"), full_page=True)
