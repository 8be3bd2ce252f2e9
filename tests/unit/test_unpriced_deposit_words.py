"""A deposit on its way in a token with no market price says what is true of it, in both
languages: its value is unknown and it cannot be converted, never "worth at most 10 USD";
the small-balances page is headed by what it lists (one balance, several, or nothing it
can give up), and the note after a forfeit counts what was given up."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from lastgate.eligibility.model.checks import evaluate
from lastgate.eligibility.model.report import CheckCode
from lastgate.kernel.i18n import translate, translations
from lastgate.platform.web.done import DONE
from lastgate.remediation.model import ForfeitLine, ForfeitOffer
from lastgate.remediation.pages import forfeited, heading
from tests.account_states import CLEAN, NOW, POLICY
from tests.unit.test_deposit_landing import deposit


def deposit_check(*transfers):
    state = replace(CLEAN, transfers=transfers)
    return evaluate(state, POLICY, NOW).result(CheckCode.DEPOSIT_PENDING)


def fix(check, lang: str) -> str:
    return translate(check.remediation.message, lang)


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            "en",
            "Wait for the deposit to arrive. Its asset has no market price, so its value is "
            "unknown and it cannot be converted: it stays in your account until you decide "
            "to give it up, with your explicit consent.",
        ),
        (
            "zh_Hans",
            "请等待充值到账。该资产没有市场价格，因此价值未知，也无法兑换：它会留在您的账户中，"  # noqa: RUF001
            "直到您明确同意放弃为止。",
        ),
    ],
)
def test_a_deposit_of_a_token_without_a_price_says_its_value_is_unknown(
    lang: str, said: str
) -> None:
    check = deposit_check(deposit("15000", "LUNC"))
    assert check.evidence[0]["lands_as"] == "dust"
    assert fix(check, lang) == said
    assert "worth at most" not in fix(check, "en")


def test_each_deposit_carries_its_value_or_that_it_has_no_price() -> None:
    check = deposit_check(deposit("15000", "LUNC"), deposit("0.0001", ref="t2"))
    assert [e["value_usd"] for e in check.evidence] == ["unpriced", "9"]


@pytest.mark.parametrize("lang", ["en", "zh_Hans"])
def test_a_small_and_an_unpriced_deposit_are_each_told_what_is_true_of_them(lang: str) -> None:
    text = fix(deposit_check(deposit("0.0001"), deposit("15000", "LUNC", ref="t2")), lang)
    if lang == "en":
        assert "convert those worth at most 10 USD or give them up" in text
        assert "What has no market price cannot be converted" in text
    else:
        assert "价值不超过 10 USD" in text and "没有市场价格的资产无法兑换" in text


def test_an_asset_and_an_unpriced_deposit_withdraw_one_and_not_convert_the_other() -> None:
    text = fix(deposit_check(deposit("0.75"), deposit("15000", "LUNC", ref="t2")), "en")
    assert text.startswith("Wait for the deposits to arrive. Then withdraw those worth more")
    assert "convert the small balances" not in text  # none of them is a priced small one
    assert "What has no market price cannot be converted" in text


def test_priced_small_deposits_keep_their_words() -> None:
    text = fix(deposit_check(deposit("0.0001")), "en")
    assert text.startswith("Wait for the deposit to arrive. It is then a small balance, worth")


def _offer(*values: str | None, limit: str = "10") -> ForfeitOffer:
    lines = tuple(
        ForfeitLine("funding", f"T{i}", Decimal(1), None if v is None else Decimal(v))
        for i, v in enumerate(values)
    )
    total = sum((line.value_usd or Decimal(0) for line in lines), Decimal(0))
    return ForfeitOffer("U1", lines, total, Decimal(limit))


def headed(offer: ForfeitOffer, lang: str) -> str:
    catalog, form = translations(lang), heading(offer)
    if isinstance(form, str):
        return catalog.gettext(form)
    return catalog.ngettext(*form, len(offer.lines))


@pytest.mark.parametrize(
    ("offer", "en", "zh"),
    [
        (_offer(None), "Give up this balance", "放弃余额"),  # one token, no market price
        (_offer("1.2", None), "Give up these balances", "放弃余额"),
        (_offer("6", "6"), "Small balances", "小额资产"),  # over the limit: none given up here
        (_offer(), "Small balances", "小额资产"),
    ],
)
def test_the_small_balances_page_is_headed_by_what_it_can_give_up(offer, en, zh) -> None:
    assert (headed(offer, "en"), headed(offer, "zh_Hans")) == (en, zh)


@pytest.mark.parametrize(
    ("count", "en", "zh"),
    [
        (1, "The balance is given up.", "余额已放弃。"),
        (3, "The balances are given up.", "余额已放弃。"),
    ],
)
def test_the_note_after_a_forfeit_counts_what_was_given_up(count, en, zh) -> None:
    note = DONE[forfeited(count)]
    assert translations("en").gettext(note).startswith(en)
    assert translations("zh_Hans").gettext(note).startswith(zh)
    assert "small" not in note  # a token with no price is given up here too
