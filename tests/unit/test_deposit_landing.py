"""A deposit on its way says what it is once it lands: a small balance (settled as dust is,
converted or given up) or an asset (withdrawn). The verdict is the dust line's, the one the
balance checks draw: landing the deposit must give exactly the verdict it announced."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest

from lastgate.eligibility.model.checks import evaluate
from lastgate.eligibility.model.report import Action, CheckCode, CheckStatus
from lastgate.kernel.i18n import translate
from lastgate.kernel.policy import Policy
from lastgate.ledger import model as a
from tests.account_states import CLEAN, NOW, POLICY, balance

DEPOSIT, IN_FLIGHT = a.TransferDirection.DEPOSIT, a.TransferStatus.CONFIRMING
TRADING = a.AccountType.TRADING


def deposit(amount: str, asset: str = "BTC", ref: str = "t1") -> a.Transfer:
    return a.Transfer(
        ref, DEPOSIT, asset, Decimal(amount), IN_FLIGHT, NOW - timedelta(hours=1),
        NOW + timedelta(hours=1),
    )  # fmt: skip


def landed(state: a.AccountState) -> a.AccountState:
    """The same account once every deposit in flight has arrived in its funding account."""
    held = {(b.account_type, b.asset): b for b in state.balances}
    for t in state.transfers:
        key = (a.AccountType.FUNDING, t.asset)
        before = held.get(key, a.Balance(*key, Decimal(0), Decimal(0)))
        held[key] = replace(before, available=before.available + t.amount)
    done = tuple(replace(t, status=a.TransferStatus.COMPLETED) for t in state.transfers)
    return replace(state, balances=tuple(held.values()), transfers=done)


def deposit_check(state: a.AccountState, policy: Policy = POLICY):
    return evaluate(state, policy, NOW).result(CheckCode.DEPOSIT_PENDING)


CASES = [
    ("dust", (deposit("0.0001"),), ()),  # 9 USD
    ("exactly the tolerance", (deposit("10", "USDT"),), ()),
    ("a hair above", (deposit("10.000000000000000001", "USDT"),), ()),
    ("an asset", (deposit("0.75"),), ()),
    ("unpriced", (deposit("15000", "LUNC"),), ()),
    ("dust onto dust", (deposit("0.00005"),), (balance("0.00005"),)),  # 4.5 + 4.5
    ("dust onto an asset", (deposit("0.00005"),), (balance("0.5"),)),
    ("two small ones make an asset", (deposit("0.0001"), deposit("0.0001", ref="t2")), ()),
    (
        "dust elsewhere is its own",
        (deposit("0.0001"),),
        (balance("1", kind=a.AccountType.TRADING),),
    ),
    ("one of each", (deposit("0.0001"), deposit("2", "USDT", ref="t2")), (balance("9", "USDT"),)),
]


@pytest.mark.parametrize(("name", "transfers", "balances"), CASES, ids=[c[0] for c in CASES])
def test_what_a_deposit_announces_is_what_the_checks_say_once_it_lands(
    name, transfers, balances
) -> None:
    state = replace(CLEAN, transfers=transfers, balances=balances)
    check = deposit_check(state)
    assert check.status is CheckStatus.BLOCK
    after = evaluate(landed(state), POLICY, NOW)
    verdicts = {b["asset"]: b for b in after.result(CheckCode.DUST_REMAINING).evidence}
    for evidence in check.evidence:
        in_funding = [
            b for b in after.result(CheckCode.DUST_REMAINING).evidence
            if b["asset"] == evidence["asset"] and b["account_type"] == "funding"
        ]  # fmt: skip
        assert evidence["lands_as"] == ("dust" if in_funding else "asset"), (name, verdicts)


def test_a_small_deposit_is_settled_as_dust_never_withdrawn() -> None:
    check = deposit_check(replace(CLEAN, transfers=(deposit("0.0001"),)))
    assert check.remediation.action is Action.WAIT  # time resolves the blocker itself
    assert check.remediation.resolves_at == NOW + timedelta(hours=1)
    words = {lang: translate(check.remediation.message, lang) for lang in ("en", "zh_Hans")}
    assert "withdraw" not in words["en"] and "convert it or give it up" in words["en"]
    assert "10 USD" in words["en"]  # the policy's tolerance, the line the deposit is under
    assert "提现" not in words["zh_Hans"] and "兑换或放弃" in words["zh_Hans"]


def test_an_asset_deposit_is_still_withdrawn_and_a_mixed_pair_says_both() -> None:
    big = deposit_check(replace(CLEAN, transfers=(deposit("0.75"),)))
    assert "then withdraw the funds" in translate(big.remediation.message, "en")
    both = deposit_check(
        replace(CLEAN, transfers=(deposit("0.0001"), deposit("100", "USDT", ref="t2")))
    )
    text = translate(both.remediation.message, "en")
    assert "withdraw those worth more than 10 USD" in text and "convert the small" in text


def test_the_policy_s_tolerance_decides_where_a_deposit_lands() -> None:
    strict = Policy(jurisdiction="EU", name="strict", eligibility={"dust_tolerance_usd": "1"})  # type: ignore[arg-type]
    state = replace(CLEAN, transfers=(deposit("0.0001"),))  # 9 USD
    assert deposit_check(state).evidence[0]["lands_as"] == "dust"
    assert deposit_check(state, strict).evidence[0]["lands_as"] == "asset"
