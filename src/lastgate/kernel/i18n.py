"""Rendering domain messages in the reader's language: English and Simplified Chinese.

Message ids are English; the ``lastgate`` gettext catalogs under ``locale/`` hold the
translations (see docs/i18n.md). Languages are named ``en`` and ``zh_Hans`` inside
lastgate and ``en`` and ``zh-Hans`` (BCP 47) on the wire.
"""

from __future__ import annotations

import gettext
import re
from datetime import datetime
from functools import cache
from pathlib import Path

from babel.support import NullTranslations, Translations

from lastgate.kernel.messages import Message

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "lastgate"
ENGLISH = "en"
SIMPLIFIED_CHINESE = "zh_Hans"
SUPPORTED_LANGUAGES: tuple[str, ...] = (ENGLISH, SIMPLIFIED_CHINESE)

# Traditional Chinese scripts and regions have no catalog of their own; Simplified
# Chinese is closer to those readers than English, so they fall back to it.
_CHINESE_SUBTAGS = frozenset({"", "hans", "cn", "sg", "my", "hant", "tw", "hk", "mo"})


def normalize(tag: str) -> str | None:
    """The supported language a client's tag names (``zh-CN`` → ``zh_Hans``), or None."""
    parts = tag.strip().replace("_", "-").lower().split("-")
    primary = parts[0]
    if primary == "en":
        return ENGLISH
    if primary == "zh" and all(p in _CHINESE_SUBTAGS for p in parts[1:]):
        return SIMPLIFIED_CHINESE
    return None


def _weighted_tags(accept_language: str) -> list[tuple[float, int, str]]:
    """(q, position, tag) for each entry of an Accept-Language header; bad q-values skip."""
    entries: list[tuple[float, int, str]] = []
    for position, item in enumerate(accept_language.split(",")):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = -1.0
        if tag.strip() and 0.0 < quality <= 1.0:
            entries.append((quality, position, tag.strip()))
    return entries


def negotiate(accept_language: str | None, default: str) -> str:
    """The supported language the client prefers most (RFC 9110 q-values), else ``default``.

    A wildcard ``*`` accepts ``default``; ``q=0`` refuses a language.
    """
    fallback = normalize(default) or ENGLISH
    if not accept_language:
        return fallback
    ranked = sorted(_weighted_tags(accept_language), key=lambda e: (-e[0], e[1]))
    for _, _, tag in ranked:
        if tag == "*":
            return fallback
        language = normalize(tag)
        if language is not None:
            return language
    return fallback


def bcp47(language: str) -> str:
    """The wire name of a supported language: ``zh_Hans`` → ``zh-Hans``."""
    return language.replace("_", "-")


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The compiled catalog for ``language``; English needs none (ids are English)."""
    if language == ENGLISH:
        return NullTranslations()
    if language not in SUPPORTED_LANGUAGES:
        raise ValueError(f"unsupported language {language!r}")
    return Translations.load(str(LOCALE_DIR), [language], DOMAIN)


def translate(message: Message, lang: str) -> str:
    """``message`` in ``lang`` with its parameters filled in; an empty id stays empty."""
    if not message.msgid:
        return ""
    catalog = translations(lang)
    if message.plural:
        text = catalog.ngettext(message.msgid, message.plural, message.count)
    else:
        text = catalog.gettext(message.msgid)
    return text.format(**{k: _readable(k, v, lang) for k, v in message.params.items()})


_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def _readable(name: str, value: str, lang: str) -> str:
    """A parameter as a person reads it: a moment (ISO 8601, as the models give it) in the
    reader's date format; a USD value (named as in ``present.labels.MONEY_FIELDS``; the
    message says "USD" after it) or an asset amount (``AMOUNT_FIELDS``; the message names
    the asset) with the reader's grouping, ``13,500``; anything else as
    it is (``kernel.present``)."""
    from lastgate.kernel.present import formats, labels  # present builds on i18n

    if name in labels.MONEY_FIELDS or name in labels.AMOUNT_FIELDS:
        return formats.amount(value, lang)
    if not _MOMENT.match(value):
        return value
    try:
        return formats.datetime_text(datetime.fromisoformat(value), lang)
    except ValueError:
        return value
