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


def _source_msgids() -> set[str]:
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = extract_from_dir(
        str(ROOT),
        method_map,
        options_map,
        keywords={"N_": None, "_": None},
        comment_tags=(),
        strip_comment_tags=True,
    )
    return {msgid for _, _, msgid, _, _ in found if isinstance(msgid, str) and msgid}


def _po() -> Catalog:
    with PO.open("rb") as f:
        return read_po(f, locale="zh_Hans", domain="lastgate")


def _translations(catalog: Catalog) -> dict[str, str]:
    return {str(m.id): str(m.string) for m in catalog if m.id}


def _fields(text: str) -> list[str]:
    return sorted(name for _, name, _, _ in string.Formatter().parse(text) if name is not None)


def test_extraction_finds_the_domain_messages() -> None:
    assert "No open orders." in _source_msgids()


def test_every_message_in_the_source_is_translated() -> None:
    catalog = _po()
    missing = [
        msgid
        for msgid in sorted(_source_msgids())
        if (entry := catalog.get(msgid)) is None or not entry.string or entry.fuzzy
    ]
    assert missing == []


def test_catalog_holds_no_message_the_source_no_longer_uses() -> None:
    assert set(_translations(_po())) - _source_msgids() == set()


def test_translations_keep_exactly_the_placeholders_of_their_msgid() -> None:
    wrong = {
        msgid: text
        for msgid, text in _translations(_po()).items()
        if _fields(msgid) != _fields(text)
    }
    assert wrong == {}


def test_committed_mo_is_the_compiled_po() -> None:
    compiled = io.BytesIO()
    write_mo(compiled, _po())
    compiled.seek(0)
    with MO.open("rb") as committed:
        assert _translations(read_mo(committed)) == _translations(read_mo(compiled))


def test_translate_renders_chinese_with_parameters() -> None:
    message = Message("{count} order(s) are still open.", {"count": "3"})
    assert translate(message, "zh_Hans") == "有 3 笔订单仍未完成。"


def test_translate_renders_english_from_the_msgid() -> None:
    message = Message("{count} order(s) are still open.", {"count": "3"})
    assert translate(message, "en") == "3 order(s) are still open."


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
