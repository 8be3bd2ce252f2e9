"""The Simplified Chinese catalog is complete and compiled, and languages are negotiated."""

from __future__ import annotations

import io
import string
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from lastgate.kernel.i18n import LOCALE_DIR, SUPPORTED_LANGUAGES, negotiate, normalize, translate
from lastgate.kernel.messages import Message

ROOT = Path(__file__).resolve().parents[2]
PO = LOCALE_DIR / "zh_Hans" / "LC_MESSAGES" / "lastgate.po"
MO = PO.with_suffix(".mo")


#: What marks a msgid: ``N_``/``_``, and plural pairs (``ngettext`` in templates,
#: ``N_plural`` in Python), as /work/tools/catalog.sh extracts them.
KEYWORDS = {"N_": None, "_": None, "ngettext": (1, 2), "N_plural": (1, 2)}


def _source_msgids() -> set[str]:
    """Every msgid in the source; a plural pair by its singular (the catalog's key)."""
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = extract_from_dir(
        str(ROOT),
        method_map,
        options_map,
        keywords=KEYWORDS,
        comment_tags=(),
        strip_comment_tags=True,
    )
    ids = {msgid if isinstance(msgid, str) else msgid[0] for _, _, msgid, _, _ in found}
    return {msgid for msgid in ids if msgid}


def _po() -> Catalog:
    with PO.open("rb") as f:
        return read_po(f, locale="zh_Hans", domain="lastgate")


def _forms(entry: object) -> tuple[str, ...]:
    return entry if isinstance(entry, tuple) else (str(entry),)


def _translations(catalog: Catalog) -> dict[str, str]:
    """msgid → translation; a plural entry by its singular, its forms joined (so that an
    empty form shows)."""
    return {_forms(m.id)[0]: "\x00".join(_forms(m.string)) for m in catalog if m.id}


def _fields(text: str) -> list[str]:
    return sorted(name for _, name, _, _ in string.Formatter().parse(text) if name is not None)


def test_extraction_finds_the_domain_messages() -> None:
    assert "No open orders." in _source_msgids()


def test_every_message_in_the_source_is_translated() -> None:
    catalog = _po()
    missing = [
        msgid
        for msgid in sorted(_source_msgids())
        if (entry := catalog.get(msgid)) is None or not all(_forms(entry.string)) or entry.fuzzy
    ]
    assert missing == []


def test_catalog_holds_no_message_the_source_no_longer_uses() -> None:
    assert set(_translations(_po())) - _source_msgids() == set()


def test_translations_keep_exactly_the_placeholders_of_their_msgid() -> None:
    wrong = {
        _forms(m.id)[0]: m.string
        for m in _po()
        if m.id and any(_fields(_forms(m.id)[-1]) != _fields(text) for text in _forms(m.string))
    }
    assert wrong == {}


def test_committed_mo_is_the_compiled_po() -> None:
    compiled = io.BytesIO()
    write_mo(compiled, _po())
    compiled.seek(0)
    with MO.open("rb") as committed:
        assert _translations(read_mo(committed)) == _translations(read_mo(compiled))


ORDERS = ("{count} order is still open.", "{count} orders are still open.")


def test_translate_renders_chinese_with_parameters() -> None:
    assert translate(Message.counted(ORDERS, 3), "zh_Hans") == "有 3 笔委托尚未成交。"


def test_translate_renders_english_in_the_form_for_the_count() -> None:
    assert translate(Message.counted(ORDERS, 3), "en") == "3 orders are still open."
    assert translate(Message.counted(ORDERS, 1), "en") == "1 order is still open."


def test_translate_keeps_an_empty_message_empty() -> None:
    assert translate(Message(""), "zh_Hans") == ""


def test_supported_languages_are_english_and_simplified_chinese() -> None:
    assert SUPPORTED_LANGUAGES == ("en", "zh_Hans")


@pytest.mark.parametrize("tag", ["zh", "zh-CN", "zh-Hans", "zh_CN", "ZH-hans-cn", "zh_Hans"])
def test_chinese_tags_name_simplified_chinese(tag: str) -> None:
    assert normalize(tag) == "zh_Hans"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "en"),
        ("", "en"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh_Hans"),
        ("en-US;q=0.5, zh;q=0.9", "zh_Hans"),
        ("fr-FR, de;q=0.9", "en"),
        ("fr, zh-Hans;q=0.1", "zh_Hans"),
        ("zh;q=0, en;q=0.5", "en"),
        ("en, zh", "en"),
        ("zh;q=abc, en;q=0.1", "en"),
        ("*", "en"),
    ],
)
def test_negotiate_honours_q_values(header: str | None, expected: str) -> None:
    assert negotiate(header, "en") == expected


def test_negotiate_falls_back_to_the_given_default() -> None:
    assert negotiate("fr", "zh_Hans") == "zh_Hans"
