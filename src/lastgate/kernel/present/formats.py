"""Numbers, money, dates and durations in the reader's language (Babel's CLDR data).

One home for how a value reads on a page, a notice or a document:

- ``amount``: an asset amount with every digit that matters and no more: trailing zeros
  go (``3.292800000000000000`` → ``3.2928``), no digit of a real balance is ever rounded
  away, and the locale groups the thousands.
- an amount and its asset (``15,000 LUNC``), a value and its currency (``1.20 USD``) are
  joined by a no-break space (``UNIT_SPACE``): a narrow column or a phone never puts
  the number on one line and its asset on the next.
- ``money``: a USD value to the cent; below a cent two significant digits (a dust
  value of ``0.0041`` reads ``0.0041 USD``, never ``0.00 USD``).
- ``date`` / ``datetime``: the locale's medium date; the time to the minute, in UTC
  (said), never an ISO timestamp.
- ``relative`` ("in 6 days", "6天后"), ``duration`` ("6 days 3 hours") and ``countdown``
  ("6 days 3 hours left").
- ``plural``: a gettext plural (``ngettext``): "1 small balance", "2 small balances";
  Chinese has one form.
- ``sentences``: sentences one after another, as the language writes them: a space
  between English ones, none between Chinese ones ("验证码无效。您还有 4 次机会。").
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation, localcontext
from functools import cache
from typing import Any, Literal

from babel import Locale
from babel import dates as babel_dates
from babel import lists as babel_lists
from babel import numbers as babel_numbers

from lastgate.kernel.i18n import SIMPLIFIED_CHINESE, translations
from lastgate.kernel.messages import N_
from lastgate.kernel.money import to_wire

#: Wide enough for any ledger value (NUMERIC(38, 18)) times any price: nothing rounds.
_WIDE = Context(prec=100)
#: A value that is no number (``unpriced``, ``unknown``) is shown by its label instead.
Number = Decimal | int | str
USD = "USD"
_CENT = Decimal("0.01")
#: Between a number and its asset or currency: a no-break space (U+00A0), so that the two
#: stay on one line wherever the text wraps (a table cell at 375 px, a sentence).
UNIT_SPACE = "\u00a0"


@cache
def locale(lang: str) -> Locale:
    """The Babel locale of a lastgate language (``zh_Hans`` → ``zh_Hans_CN``)."""
    return Locale.parse("zh_Hans_CN" if lang.startswith("zh") else "en")


def as_decimal(value: Number) -> Decimal | None:
    """``value`` as a finite Decimal, or None when it is not a number."""
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


#: The languages whose CLDR signs (group, decimal, minus) are the very ones Python's
#: ``format`` writes, so their numbers need no translation table and no Babel locale data
#: loaded (about 12 ms, once per process: what a command that prints a few amounts pays);
#: tests/unit/test_present.py holds each against Babel's data.
PYTHON_SIGNS = frozenset({"en", "zh_Hans"})


@cache
def _symbols(lang: str) -> dict[int, str]:
    """The locale's group, decimal and minus signs, as a ``str.translate`` table from the
    ones Python's ``format`` writes."""
    where = locale(lang)
    return str.maketrans(
        {
            ",": babel_numbers.get_group_symbol(where),
            ".": babel_numbers.get_decimal_symbol(where),
            "-": babel_numbers.get_minus_sign_symbol(where),
        }
    )


def _decimal(number: Decimal, lang: str, min_places: int) -> str:
    """``number`` with every digit that matters (at least ``min_places`` decimals),
    thousands grouped by three, in the locale's signs: what Babel's ``format_decimal``
    writes for the pattern ``#,##0`` (``#,##0.00``) without quantization — a test holds
    the two equal — at a tenth of its cost (it runs for every amount of every report)."""
    exact = Decimal(to_wire(number))  # every digit that matters, no trailing zero
    with localcontext(_WIDE):
        if min_places and exact.as_tuple().exponent > -min_places:  # type: ignore[operator]
            exact = exact.quantize(Decimal(1).scaleb(-min_places))
        text = format(exact, ",f")
    return text if lang in PYTHON_SIGNS else text.translate(_symbols(lang))


def amount(value: Number, lang: str, asset: str | None = None) -> str:
    """An asset amount: ``3.2928 USDT``, ``1,234.5 BTC``; not a number: as it is."""
    number = as_decimal(value)
    if number is None:
        return str(value)
    text = _decimal(number, lang, 0)
    return f"{text}{UNIT_SPACE}{asset}" if asset else text


def money(value: Number, lang: str, currency: str = USD) -> str:
    """A value in ``currency`` (an estimate at current prices, not a balance): to the
    cent, ``1,234.50 USD``; below a cent, two significant digits, ``0.0041 USD``, so that
    a small value never reads as nothing."""
    number = as_decimal(value)
    if number is None:
        return str(value)
    with localcontext(_WIDE):
        if number == 0 or abs(number) >= _CENT:
            shown = number.quantize(_CENT, ROUND_HALF_UP)
        else:
            shown = number.quantize(Decimal(1).scaleb(number.adjusted() - 1), ROUND_HALF_UP)
    return f"{_decimal(shown, lang, 2)}{UNIT_SPACE}{currency}"


def threshold(value: Number, lang: str, currency: str = USD) -> str:
    """A line or a limit in ``currency`` (a policy's figure, not an estimate): its own
    digits, ``10 USD``, ``10.21 USD``, as the checks' sentences name it (``to_wire``), so
    one line reads the same on every page of a card."""
    number = as_decimal(value)
    if number is None:
        return str(value)
    return f"{_decimal(number, lang, 0)}{UNIT_SPACE}{currency}"


def listing(items: list[str], lang: str) -> str:
    """Words as a list in the reader's language: ``a, b and c`` / ``a、b和c``."""
    return babel_lists.format_list(items, locale=locale(lang))


#: The languages whose sentences follow one another with no space: a full-width stop ends them.
_UNSPACED_SENTENCES = frozenset({SIMPLIFIED_CHINESE})


def sentences(parts: Iterable[str], lang: str) -> str:
    """Sentences joined as ``lang`` writes them: ``A. B.`` in English, ``甲。乙。`` in
    Chinese. Each is stripped; an empty one is left out."""
    said = [text for text in (part.strip() for part in parts) if text]
    return ("" if lang in _UNSPACED_SENTENCES else " ").join(said)


def number(value: int, lang: str) -> str:
    """A count with the locale's grouping: ``12,345``."""
    return babel_numbers.format_decimal(value, locale=locale(lang))


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def date(moment: datetime, lang: str) -> str:
    """``Dec 7, 2026`` / ``2026年12月7日``."""
    return babel_dates.format_date(_utc(moment), "medium", locale=locale(lang))


def datetime_text(moment: datetime, lang: str) -> str:
    """``Dec 7, 2026, 09:25 UTC`` / ``2026年12月7日 09:25 UTC``: to the minute, UTC said."""
    at = _utc(moment)
    loc = locale(lang)
    day = babel_dates.format_date(at, "medium", locale=loc)
    time = babel_dates.format_time(at, "HH:mm", tzinfo=UTC, locale=loc)
    joined = str(babel_dates.get_datetime_format("medium", locale=loc)).replace("'", "")
    return joined.format(time, day) + " UTC"


def relative(moment: datetime, now: datetime, lang: str) -> str:
    """``in 6 days`` / ``6天后``, ``3 hours ago`` / ``3小时前``; under a minute ``less than
    a minute ago`` (never "60 seconds ago" for a moment a few seconds old), and below two
    minutes ``1 minute``: a unit is used from 1.5 of it up (``30 hours``, not ``1 day``)
    except the minute, which has no smaller unit worth saying."""
    delta = _utc(moment) - _utc(now)
    if abs(delta) < _MINUTE:
        return gettext(_IN_A_MINUTE if delta >= timedelta(0) else _A_MINUTE_AGO, lang)
    threshold = 1 if abs(delta) < 2 * _MINUTE else 1.5
    return babel_dates.format_timedelta(
        delta, threshold=threshold, add_direction=True, locale=locale(lang)
    )


_MINUTE = timedelta(minutes=1)
_IN_A_MINUTE = N_("in less than a minute")
_A_MINUTE_AGO = N_("less than a minute ago")


_UNITS: tuple[tuple[Literal["day", "hour", "minute"], int], ...] = (
    ("day", 86400),
    ("hour", 3600),
    ("minute", 60),
)


def duration(delta: timedelta, lang: str) -> str:
    """The two largest whole units of ``delta``: ``6 days 3 hours``, ``6天3小时``."""
    seconds = max(int(delta.total_seconds()), 0)
    parts: list[str] = []
    for unit, size in _UNITS:
        whole, seconds = divmod(seconds, size)
        if whole and len(parts) < 2:
            parts.append(
                babel_dates.format_timedelta(
                    timedelta(seconds=whole * size),
                    granularity=unit,
                    threshold=whole + 1,
                    locale=locale(lang),
                )
            )
        elif parts:
            break
    if not parts:
        parts.append(babel_dates.format_timedelta(timedelta(minutes=1), locale=locale(lang)))
    return ("" if lang.startswith("zh") else " ").join(parts)


def countdown(moment: datetime, now: datetime, lang: str) -> str:
    """``6 days 3 hours left`` / ``还剩 6天3小时``; ``0`` once it has passed."""
    left = _utc(moment) - _utc(now)
    if left <= timedelta(0):
        return gettext(N_("Time is up"), lang)
    return gettext(N_("{time} left"), lang, time=duration(left, lang))


def when(moment: datetime, now: datetime, lang: str) -> str:
    """A date and time with its relative form: ``Dec 7, 2026, 09:25 UTC (in 6 days)``."""
    return gettext(
        N_("{datetime} ({relative})"),
        lang,
        datetime=datetime_text(moment, lang),
        relative=relative(moment, now, lang),
    )


def gettext(msgid: str, lang: str, **params: Any) -> str:
    """``msgid`` translated, then its placeholders filled in."""
    text = translations(lang).gettext(msgid)
    return text.format(**params) if params else text


def plural(singular: str, plural_form: str, count: int, lang: str, **params: Any) -> str:
    """``ngettext``: the form for ``count``, with ``{count}`` in the locale's digits."""
    text = translations(lang).ngettext(singular, plural_form, count)
    return text.format(count=number(count, lang), **params)
