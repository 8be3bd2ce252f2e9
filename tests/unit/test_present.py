"""The presentation layer: every code shown to people has a label in both languages, and
amounts, money and times read in the reader's language without losing a digit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Context, Decimal, localcontext
from enum import StrEnum

import pytest
from babel import numbers as babel_numbers
from hypothesis import given, settings
from hypothesis import strategies as st

from lastgate.closure.model.lifecycle import ClosureEvent, ClosureReason, ClosureState
from lastgate.closure.model.verification import EvidenceRefusal
from lastgate.desk.model.tickets import TicketCategory, TicketState
from lastgate.eligibility.model.report import CheckCode, CheckStatus
from lastgate.kernel import present
from lastgate.kernel.access import Role
from lastgate.kernel.i18n import translate, translations
from lastgate.kernel.messages import Message
from lastgate.kernel.money import to_wire
from lastgate.kernel.present import formats
from lastgate.kernel.present.labels import CODED_FIELDS, has_label
from lastgate.kernel.present.vocabulary import TABLES, Kind
from lastgate.ledger import model as ledger

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
LATER = datetime(2026, 12, 7, 12, 25, 4, 779750, tzinfo=UTC)

#: Every enumeration whose values people read, and the table that labels them.
LABELLED: list[tuple[Kind, type[StrEnum]]] = [
    (Kind.CHECK, CheckCode),
    (Kind.STATUS, CheckStatus),
    (Kind.CLOSURE_STATE, ClosureState),
    (Kind.REASON, ClosureReason),
    (Kind.HOLD_KIND, ledger.HoldKind),
    (Kind.TICKET_STATE, TicketState),
    (Kind.TOPIC, TicketCategory),
    (Kind.ROLE, Role),
    (Kind.EVIDENCE_REFUSAL, EvidenceRefusal),
    *(
        (Kind.VALUE, enum)
        for enum in (
            ledger.AccountType,
            ledger.KycStatus,
            ledger.CustomerStatus,
            ledger.SecurityChange,
            ledger.Product,
            ledger.OrderKind,
            ledger.OrderStatus,
            ledger.LoanKind,
            ledger.EarnKind,
            ledger.EarnStatus,
            ledger.AutomationKind,
            ledger.AutomationStatus,
            ledger.P2POrderStatus,
            ledger.DisputeKind,
            ledger.DisputeStatus,
            ledger.TransferStatus,
            ledger.ApiKeyKind,
            ledger.SubAccountStatus,
        )
    ),
]


@pytest.mark.parametrize(("kind", "enum"), LABELLED, ids=lambda v: getattr(v, "__name__", v))
def test_every_value_of_every_enum_shown_to_people_has_a_label(
    kind: Kind, enum: type[StrEnum]
) -> None:
    assert [m.value for m in enum if not has_label(kind, m.value)] == []


def test_every_closure_event_has_a_timeline_label() -> None:
    missing = [e.value for e in ClosureEvent if not has_label(Kind.EVENT, f"closure.{e.value}")]
    assert missing == []


def test_every_label_is_translated_into_chinese() -> None:
    catalog = translations("zh_Hans")
    untranslated = [
        msgid
        for table in TABLES.values()
        for msgid in table.values()
        if catalog.gettext(msgid) == msgid
    ]
    assert untranslated == []


def test_a_check_code_reads_as_words_in_both_languages() -> None:
    assert present.label(Kind.CHECK, CheckCode.DUST_REMAINING, "en") == "Small balances left"
    assert present.label("check", "DUST_REMAINING", "zh_Hans") == "仍有小额资产"


def test_an_unknown_code_reads_as_words_and_never_fails() -> None:
    assert present.label(Kind.CHECK, "SOME_NEW_CHECK", "zh_Hans") == "Some new check"
    assert present.label(Kind.EVENT, "closure.something_new", "en") == "Closure something new"


def test_evidence_columns_and_values_are_labelled_and_formatted() -> None:
    row = {
        "account_type": "funding",
        "asset": "USDT",
        "available": "3.292800000000000000",
        "frozen": "0.000000000000000000",
        "value_usd": "0.90",
        "created_at": LATER.isoformat(),
    }
    cells = {field: present.evidence_cell(field, row, "en") for field in row}
    assert cells == {
        "account_type": "Funding",
        "asset": "USDT",
        "available": "3.2928\u00a0USDT",
        "frozen": "0\u00a0USDT",
        "value_usd": "0.90\u00a0USD",
        "created_at": "Dec 7, 2026, 12:25 UTC",
    }
    assert present.evidence_cell("account_type", row, "zh_Hans") == "资金账户"
    assert present.label(Kind.FIELD, "value_usd", "zh_Hans") == "价值（USD）"  # noqa: RUF001
    assert present.evidence_cell("value_usd", {"value_usd": "unpriced"}, "en") == "no market price"


def test_every_coded_evidence_field_has_a_column_label() -> None:
    assert [f for f in CODED_FIELDS if not has_label(Kind.FIELD, f)] == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("3.292800000000000000"), "3.2928"),
        (Decimal("0.900000000000000000"), "0.9"),
        ("0.90000", "0.9"),
        (Decimal("0.000000000000000001"), "0.000000000000000001"),
        (
            Decimal("12345678901234567890.123456789012345678"),
            "12,345,678,901,234,567,890.123456789012345678",
        ),
        (Decimal("100"), "100"),
        (Decimal("0E-18"), "0"),
    ],
)
def test_an_amount_keeps_every_digit_that_matters_and_no_more(
    value: Decimal | str, expected: str
) -> None:
    assert present.amount(value, "en") == expected


@settings(max_examples=400, deadline=None)
@given(
    value=st.decimals(allow_nan=False, allow_infinity=False, places=18)
    | st.decimals(min_value=-(10**20), max_value=10**20, allow_nan=False, allow_infinity=False),
    lang=st.sampled_from(["en", "zh_Hans"]),
    min_places=st.sampled_from([0, 2]),
)
def test_numbers_read_as_babel_writes_them(value: Decimal, lang: str, min_places: int) -> None:
    """``formats._decimal`` writes what Babel's ``format_decimal`` writes for the pattern
    it stands for, in both languages, for any value a ledger or a price can give."""
    exact = Decimal(to_wire(value))
    pattern = "#,##0" + ("." + "0" * min_places if min_places else "")
    with localcontext(Context(prec=100)):
        expected = babel_numbers.format_decimal(
            exact, format=pattern, locale=formats.locale(lang), decimal_quantization=False
        )
    assert formats._decimal(value, lang, min_places) == expected


@pytest.mark.parametrize("lang", sorted(formats.PYTHON_SIGNS))
def test_the_languages_left_in_pythons_signs_have_those_signs_in_cldr(lang: str) -> None:
    """A language whose numbers skip the translation table writes, in Babel's data, the
    very group, decimal and minus signs Python's ``format`` writes."""
    where = formats.locale(lang)
    signs = (
        babel_numbers.get_group_symbol(where),
        babel_numbers.get_decimal_symbol(where),
        babel_numbers.get_minus_sign_symbol(where),
    )
    assert signs == (",", ".", "-")


def test_an_amount_names_its_asset_and_groups_thousands_in_chinese() -> None:
    assert present.amount("1234.500", "zh_Hans", "BTC") == "1,234.5\u00a0BTC"


def test_money_shows_cents_and_never_rounds_a_dust_value_away() -> None:
    assert present.money("0.9", "en") == "0.90\u00a0USD"
    assert present.money("0.900000000000000000", "en") == "0.90\u00a0USD"
    assert present.money(Decimal("3.28615"), "en") == "3.29\u00a0USD"
    assert present.money(Decimal("0.0041"), "zh_Hans") == "0.0041\u00a0USD"
    assert present.money(Decimal("0.003292801234"), "en") == "0.0033\u00a0USD"
    assert present.money("0", "en") == "0.00\u00a0USD"
    assert present.money("1234567", "en") == "1,234,567.00\u00a0USD"


def test_a_value_that_is_no_number_stays_as_it_is() -> None:
    assert present.amount("n/a", "en") == "n/a"


def test_dates_read_in_the_readers_language_without_iso_or_seconds() -> None:
    assert present.datetime_text(LATER, "en") == "Dec 7, 2026, 12:25 UTC"
    assert present.datetime_text(LATER, "zh_Hans") == "2026年12月7日 12:25 UTC"
    assert present.date(LATER, "zh_Hans") == "2026年12月7日"


def test_relative_times_and_countdowns_in_both_languages() -> None:
    assert present.relative(LATER, NOW, "en") == "in 6 days"
    assert present.relative(LATER, NOW, "zh_Hans") == "6天后"
    assert present.relative(NOW - timedelta(hours=3), NOW, "en") == "3 hours ago"


@pytest.mark.parametrize(
    ("offset", "en", "zh"),
    [
        (timedelta(seconds=-8), "less than a minute ago", "不到1分钟前"),
        (timedelta(seconds=20), "in less than a minute", "1分钟内"),
        (timedelta(seconds=-86), "1 minute ago", "1分钟前"),
        (timedelta(seconds=100), "in 2 minutes", "2分钟后"),
        (timedelta(hours=30), "in 30 hours", "30小时后"),
    ],
)
def test_a_moment_a_few_seconds_away_is_never_read_as_60_seconds(offset, en, zh) -> None:
    """The walker's finding: a message 8 seconds old read "60 seconds ago"."""
    assert present.relative(NOW + offset, NOW, "en") == en
    assert present.relative(NOW + offset, NOW, "zh_Hans") == zh
    assert present.countdown(LATER, NOW, "en") == "6 days 3 hours left"
    assert present.countdown(LATER, NOW, "zh_Hans") == "还剩 6天3小时"
    assert present.countdown(NOW, LATER, "en") == "Time is up"
    assert present.when(LATER, NOW, "en") == "Dec 7, 2026, 12:25 UTC (in 6 days)"


def test_a_duration_takes_its_two_largest_units() -> None:
    assert present.duration(timedelta(hours=2, minutes=5, seconds=9), "en") == "2 hours 5 minutes"
    assert present.duration(timedelta(seconds=20), "en") == "1 minute"


def test_plurals_pick_the_form_for_the_count() -> None:
    forms = ("{count} small balance", "{count} small balances")
    assert present.plural(*forms, 1, "en") == "1 small balance"
    assert present.plural(*forms, 2, "en") == "2 small balances"
    assert present.plural(*forms, 1200, "en") == "1,200 small balances"


def test_a_moment_in_a_message_reads_in_the_readers_date_format() -> None:
    message = Message(
        "Your security settings changed recently; closure is possible from {ends_at}.",
        {"ends_at": "2026-11-29T12:00:00+00:00"},
    )
    assert translate(message, "en").endswith("from Nov 29, 2026, 12:00 UTC.")
    assert "2026年11月29日 12:00 UTC" in translate(message, "zh_Hans")
    assert translate(Message("{id}", {"id": "2026-11-29-not-a-moment"}), "en") == (
        "2026-11-29-not-a-moment"
    )
