"""What the small-balances card says, in both languages: a balance with no market price is
never called "worth at most 10 USD", the counts are those of each kind, one balance reads
in the singular, and no internal word ("dust tolerance") reaches the customer."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from lastgate.closure.pages.ways_forward import ways_forward
from lastgate.eligibility.model.checks import evaluate
from lastgate.eligibility.model.report import CheckCode, customer_view
from lastgate.kernel.i18n import translate, translations
from lastgate.remediation.model import DustPlan, ForfeitLine, ForfeitOffer
from tests.account_states import CLEAN, NOW, POLICY, balance


def card(*balances):
    state = replace(CLEAN, balances=balances)
    return evaluate(state, POLICY, NOW).result(CheckCode.DUST_REMAINING)


def said(check, lang: str) -> tuple[str, str]:
    return translate(check.message, lang), translate(check.remediation.message, lang)


@pytest.mark.parametrize(
    ("lang", "message", "fix"),
    [
        (
            "en",
            "1 balance in an asset with no market price remains: its value is unknown.",
            "Without a price it cannot be converted: it stays in your account until you "
            "decide to give it up, with your explicit consent.",
        ),
        (
            "zh_Hans",
            "仍有 1 笔没有市场价格的资产余额，价值未知。",  # noqa: RUF001
            "没有价格的资产无法兑换：它会留在您的账户中，直到您明确同意放弃为止。",  # noqa: RUF001
        ),
    ],
)
def test_a_token_without_a_price_alone_is_said_to_have_no_price_not_a_small_value(
    lang: str, message: str, fix: str
) -> None:
    assert said(card(balance("15000", "LUNC")), lang) == (message, fix)


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        (
            "en",
            "3 balances remain: 2 worth at most 10 USD, and 1 with no market price, whose "
            "value is unknown.",
        ),
        ("zh_Hans", "仍有 3 笔余额：2 笔每笔价值不超过 10 USD，1 笔没有市场价格，价值未知。"),  # noqa: RUF001
    ],
)
def test_priced_and_unpriced_small_balances_are_counted_apart(lang: str, message: str) -> None:
    check = card(balance("120000", "SHIB"), balance("3", "USDT"), balance("15000", "LUNC"))
    assert said(check, lang)[0] == message
    assert "cannot be converted" in said(check, "en")[1]


def test_one_small_balance_reads_in_the_singular() -> None:
    message, fix = said(card(balance("120000", "SHIB")), "en")
    assert message == "1 small balance, worth at most 10 USD, remains."
    assert fix.startswith("Convert it in one step") and "give it up" in fix
    assert " them" not in fix


def test_two_small_balances_read_in_the_plural() -> None:
    message, fix = said(card(balance("120000", "SHIB"), balance("3", "USDT")), "en")
    assert message == "2 small balances, each worth at most 10 USD, remain."
    assert fix.startswith("Convert them in one step") and "give them up" in fix


@pytest.mark.parametrize("lang", ["en", "zh_Hans"])
def test_the_passing_balances_line_names_the_usd_line_not_the_dust_tolerance(lang: str) -> None:
    passing = evaluate(CLEAN, POLICY, NOW).result(CheckCode.ASSETS_REMAINING)
    text = translate(passing.message, lang)
    assert "10 USD" in text
    assert "dust" not in text and "tolerance" not in text and "阈值" not in text


def _plan(lines: int) -> DustPlan:
    forfeit = ForfeitOffer(
        "U1",
        tuple(ForfeitLine("funding", f"T{i}", Decimal(1), None) for i in range(lines)),
        Decimal(0),
        Decimal(10),
    )
    return DustPlan(
        convertible=False, sweep=False, next_sweep_at=None, frozen=False, forfeit=forfeit
    )


@pytest.mark.parametrize(
    ("lines", "label"), [(1, "Give up this balance"), (2, "Give up these balances")]
)
def test_the_give_up_button_counts_the_balances_it_gives_up(lines: int, label: str) -> None:
    check = customer_view(evaluate(replace(CLEAN, balances=(balance("1", "X"),)), POLICY, NOW))
    [way] = ways_forward(check.result(CheckCode.DUST_REMAINING), now=NOW, dust=_plan(lines))
    assert translations("en").ngettext(way.label, way.plural, way.count) == label
