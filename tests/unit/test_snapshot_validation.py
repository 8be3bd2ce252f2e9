"""A snapshot file is refused whole, with the path and reason of every error."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from lastgate.kernel.errors import InvalidSnapshot
from lastgate.ledger.adapters.snapshot import BalanceSnapshot, PositionSnapshot
from lastgate.ledger.adapters.snapshot_io import dump_snapshot, parse_snapshot
from tests.builders import account, snapshot


def balance(**fields: Any) -> dict[str, Any]:
    return {"account_type": "funding", "asset": "BTC", "available": "1", **fields}


def order(ref: str = "o1", **fields: Any) -> dict[str, Any]:
    return {
        "id": ref,
        "product": "spot",
        "symbol": "BTC/USDT",
        "side": "buy",
        "kind": "limit",
        "status": "open",
        "quantity": "1",
        "price": "80000",
        "created_at": "2026-11-20T10:00:00+00:00",
        **fields,
    }


def refusal(document: dict[str, Any] | str) -> InvalidSnapshot:
    text = document if isinstance(document, str) else json.dumps(document)
    with pytest.raises(InvalidSnapshot) as caught:
        parse_snapshot(text)
    return caught.value


def reasons_at(document: dict[str, Any] | str, path: str) -> list[str]:
    """The reasons given for ``path``; fails if the file was accepted."""
    return [d["reason"] for d in refusal(document).details if d["path"] == path]


def test_a_valid_snapshot_is_accepted() -> None:
    parsed = parse_snapshot(json.dumps(snapshot(account("U1", balances=[balance()]))))

    assert parsed.accounts[0].balances[0].available == Decimal("1")


def test_text_that_is_not_json_is_refused_at_the_root() -> None:
    reasons = reasons_at('{"format": "lastgate.snapshot/1", ', "(root)")

    assert reasons and "Invalid JSON" in reasons[0]


def test_an_unknown_format_is_refused() -> None:
    document = snapshot() | {"format": "lastgate.snapshot/2"}

    assert reasons_at(document, "format")


def test_an_amount_given_as_a_json_number_is_refused() -> None:
    document = snapshot(account("U1", balances=[balance(available=0.5)]))

    assert "not a JSON number" in reasons_at(document, "accounts[0].balances[0].available")[0]


def test_a_negative_amount_is_refused() -> None:
    document = snapshot(account("U1", balances=[balance(available="-1")]))

    assert reasons_at(document, "accounts[0].balances[0].available")


def test_an_amount_with_more_than_18_decimals_is_refused() -> None:
    document = snapshot(account("U1", balances=[balance(available="0.0000000000000000001")]))

    assert reasons_at(document, "accounts[0].balances[0].available")


def test_an_amount_with_more_than_20_integer_digits_is_refused() -> None:
    document = snapshot(account("U1", balances=[balance(available="1" * 21)]))

    assert reasons_at(document, "accounts[0].balances[0].available")


@pytest.mark.parametrize("text", ["NaN", "Infinity", "-Infinity", "inf", "1e3", " 1", "1.5\n"])
def test_an_amount_that_is_not_a_plain_decimal_is_refused(text: str) -> None:
    document = snapshot(account("U1", balances=[balance(available=text)]))

    assert reasons_at(document, "accounts[0].balances[0].available")


def test_a_json_nan_literal_is_refused_as_an_amount() -> None:
    text = json.dumps(snapshot(account("U1", balances=[balance()])))
    text = text.replace('"available": "1"', '"available": NaN')

    assert reasons_at(text, "accounts[0].balances[0].available")


def test_a_position_size_may_be_negative() -> None:
    position = {
        "id": "p1",
        "product": "perpetual",
        "symbol": "BTCUSDT",
        "size": "-0.25",
        "opened_at": "2026-11-20T10:00:00+00:00",
    }

    parsed = parse_snapshot(json.dumps(snapshot(account("U1", positions=[position]))))

    assert parsed.accounts[0].positions[0].size == Decimal("-0.25")


def test_a_negative_decimal_given_from_python_is_refused_too() -> None:
    with pytest.raises(ValueError, match="not a plain decimal"):
        BalanceSnapshot(account_type="funding", asset="BTC", available=Decimal("-1"))


def test_a_decimal_from_python_with_trailing_zeros_is_accepted() -> None:
    # PostgreSQL's NUMERIC(38, 18) hands back eighteen decimals.
    parsed = BalanceSnapshot(
        account_type="funding", asset="BTC", available=Decimal("0.000310000000000000")
    )

    assert parsed.available == Decimal("0.00031")


def test_amounts_are_written_with_every_digit_and_no_exponent() -> None:
    size = Decimal("-12345678901234567890.123456789012345678")
    position = PositionSnapshot(
        id="p1", product="perpetual", symbol="BTCUSDT", size=size, opened_at="2026-11-20T10:00Z"
    )

    assert position.model_dump(mode="json")["size"] == "-12345678901234567890.123456789012345678"


def test_small_amounts_are_written_without_exponent_or_trailing_zeros() -> None:
    parsed = BalanceSnapshot(
        account_type="funding", asset="SHIB", available="0.000000010", frozen="100.0"
    )

    dumped = parsed.model_dump(mode="json")

    assert (dumped["available"], dumped["frozen"]) == ("0.00000001", "100")


def test_a_time_without_offset_is_refused() -> None:
    document = snapshot(account("U1", created_at="2023-01-15T09:00:00"))

    assert "timezone" in reasons_at(document, "accounts[0].created_at")[0]


def test_an_unknown_field_is_refused() -> None:
    document = snapshot(account("U1", balances=[balance(avaliable="1")]))

    assert reasons_at(document, "accounts[0].balances[0].avaliable")


def test_an_unknown_enum_value_is_refused_with_the_allowed_values() -> None:
    document = snapshot(account("U1", balances=[balance(account_type="spot")]))

    reason = reasons_at(document, "accounts[0].balances[0].account_type")[0]

    assert "'funding'" in reason and "'fiat'" in reason


@pytest.mark.parametrize("uid", ["U 1", "U/1", "Ü1", "", "U" * 65])
def test_a_uid_with_bad_characters_or_length_is_refused(uid: str) -> None:
    assert reasons_at(snapshot(account(uid)), "accounts[0].uid")


def test_duplicate_uids_are_refused() -> None:
    reasons = reasons_at(snapshot(account("U1"), account("U1")), "accounts")

    assert reasons == ["UID U1 appears more than once"]


def test_a_balance_listed_twice_for_the_same_account_type_and_asset_is_refused() -> None:
    document = snapshot(account("U1", balances=[balance(), balance(available="2")]))

    assert reasons_at(document, "accounts[0].balances") == [
        "balance funding/BTC listed more than once"
    ]


def test_the_same_asset_in_two_account_types_is_accepted() -> None:
    balances = [balance(), balance(account_type="trading")]

    parsed = parse_snapshot(json.dumps(snapshot(account("U1", balances=balances))))

    assert len(parsed.accounts[0].balances) == 2


def test_duplicate_order_ids_within_an_account_are_refused() -> None:
    document = snapshot(account("U1", orders=[order("o1"), order("o1")]))

    assert reasons_at(document, "accounts[0].orders") == ["id o1 appears more than once"]


def test_the_same_order_id_in_two_accounts_is_accepted() -> None:
    document = snapshot(account("U1", orders=[order("o1")]), account("U2", orders=[order("o1")]))

    assert len(parse_snapshot(json.dumps(document)).accounts) == 2


def test_an_account_listed_as_its_own_sub_account_is_refused() -> None:
    document = snapshot(account("U1", sub_accounts=[{"uid": "U1", "status": "active"}]))

    assert reasons_at(document, "accounts[0].sub_accounts[0].uid")


def test_a_sub_account_listed_twice_is_refused() -> None:
    subs = [{"uid": "S1", "status": "active"}, {"uid": "S1", "status": "closed"}]

    assert reasons_at(snapshot(account("U1", sub_accounts=subs)), "accounts[0].sub_accounts")


def test_an_api_key_revoked_before_it_was_created_is_refused() -> None:
    key = {
        "id": "k1",
        "kind": "api_key",
        "label": "bot",
        "created_at": "2026-01-02T00:00:00+00:00",
        "revoked_at": "2026-01-01T00:00:00+00:00",
    }

    reasons = reasons_at(
        snapshot(account("U1", api_keys=[key])), "accounts[0].api_keys[0].revoked_at"
    )

    assert reasons == ["revoked before it was created"]


def test_a_hold_lifted_before_it_was_placed_is_refused() -> None:
    hold = {
        "id": "h1",
        "kind": "risk_lock",
        "reason": "abnormal login",
        "placed_by": "risk",
        "placed_at": "2026-01-02T00:00:00+00:00",
        "lifted_at": "2026-01-01T00:00:00+00:00",
    }

    assert reasons_at(snapshot(account("U1", holds=[hold])), "accounts[0].holds[0].lifted_at")


def test_an_asset_priced_twice_is_refused() -> None:
    document = snapshot()
    document["prices"].append(dict(document["prices"][0]))

    assert reasons_at(document, "prices")


def test_every_error_is_reported_together_with_its_path() -> None:
    document = snapshot(
        account("U1"),
        account("U2", balances=[balance(available=1)], created_at="2023-01-15T09:00:00"),
        account("U3", orders=[order(kind="iceberg")]),
    )

    paths = {d["path"] for d in refusal(document).details}

    assert {
        "accounts[1].balances[0].available",
        "accounts[1].created_at",
        "accounts[2].orders[0].kind",
    } <= paths


def test_the_refusal_message_counts_the_errors_and_names_their_paths() -> None:
    document = snapshot(account("U1", balances=[balance(available="-1", frozen="x")]))

    message = str(refusal(document))

    assert message.startswith("snapshot refused, 2 error(s)")
    assert "accounts[0].balances[0].available" in message
    assert "accounts[0].balances[0].frozen" in message


def test_a_refusal_carries_the_invalid_snapshot_code() -> None:
    assert refusal("[]").code == "INVALID_SNAPSHOT"


def test_dumped_snapshot_parses_back_to_the_same_snapshot() -> None:
    original = parse_snapshot(json.dumps(snapshot(account("U1", orders=[order()]))))

    assert parse_snapshot(dump_snapshot(original)) == original
