"""The dust sweep in the browser, in English and in Chinese: what is converted and what is
given up are two tables, each under its own caption, and the consent a customer ticks
names the balance given up and says it is for good."""

from __future__ import annotations

import pytest

from lastgate.demo.customers import demo_snapshot
from lastgate.ledger.adapters.snapshot_io import import_snapshot
from tests.browser.conftest import follow

CONSENT = {
    "en": ("I give up 15,000\u00a0LUNC, which has no price, for good.", "closure certificate"),
    "zh-Hans": ("我永久放弃 15,000\u00a0LUNC", "注销证明"),
}


def assets(page, table: str) -> list[str]:
    rows = page.locator(f"{table} tbody tr").all()
    return [row.locator("td").nth(1).inner_text() for row in rows]


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_the_sweep_lists_what_is_given_up_apart_and_names_it_in_the_consent(
    engine, clock, person, lang, tmp_path
) -> None:
    import_snapshot(engine, demo_snapshot(clock()))
    page = person("DEMO-DUST", lang=lang)
    follow(page, "#check-DUST_REMAINING form[data-way='fix'] button")
    assert sorted(assets(page, "#sweep-lines")) == ["DOGE", "SHIB"]
    assert assets(page, "#sweep-given-up") == ["LUNC"]
    captions = page.locator("caption").all_inner_texts()
    assert len(captions) == 2 and captions[0] != captions[1]
    consent = page.locator("label[for='forfeit']")
    assert consent.is_visible()
    for words in CONSENT[lang]:
        assert words in consent.inner_text()
    page.screenshot(path=str(tmp_path / f"sweep-{lang}.png"), full_page=True)
