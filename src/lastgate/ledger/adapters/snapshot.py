"""The account snapshot: a documented JSON format for one or many accounts' state.

Integrators feed lastgate from their own systems with it (``lastgate ledger import``);
``lastgate ledger export`` writes it. The JSON Schema in docs/snapshot.schema.json is
generated from these models, so the two cannot drift. Amounts are decimal strings;
times are ISO 8601 with an offset.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Final, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    StringConstraints,
    WithJsonSchema,
)

from lastgate.kernel.money import to_wire
from lastgate.ledger import model as a

FORMAT: Final = "lastgate.snapshot/1"

Uid = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.:-]{1,64}$")]
Ref = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.:-]{1,64}$")]
Asset = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9.]{1,32}$")]
Symbol = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9._/-]{1,32}$")]


DECIMAL_PATTERN = r"^[0-9]{1,20}(\.[0-9]{1,18})?$"
SIGNED_DECIMAL_PATTERN = r"^-?[0-9]{1,20}(\.[0-9]{1,18})?$"


def _decimal_string(pattern: str) -> Callable[[object], Decimal]:
    compiled = re.compile(pattern)

    def parse(value: object) -> Decimal:
        # A Decimal comes from Python (the ledger on export), not from a file; it is held
        # to the same rules, so a negative or NaN amount cannot slip in that way either.
        if isinstance(value, Decimal):
            text = to_wire(value) if value.is_finite() else str(value)
        elif isinstance(value, str):
            text = value
        else:
            raise ValueError('must be a decimal string such as "0.00031", not a JSON number')
        # fullmatch: with match, "$" also matches before a trailing newline.
        if not compiled.fullmatch(text):
            raise ValueError(f"not a plain decimal string: {value!r}")
        return Decimal(text)

    return parse


def _amount_schema(pattern: str, what: str) -> dict[str, Any]:
    return {
        "type": "string",
        "pattern": pattern,
        "description": f"{what} as a decimal string: up to 20 integer and 18 fractional "
        "digits, no exponent, never a JSON number.",
        "examples": ["0.00031"],
    }


# Amounts are JSON strings ("0.00031"); numbers are refused so that no float ever
# touches an amount on its way in.
Amount = Annotated[
    Decimal,
    PlainValidator(_decimal_string(DECIMAL_PATTERN)),
    PlainSerializer(to_wire, return_type=str),
    WithJsonSchema(_amount_schema(DECIMAL_PATTERN, "A non-negative amount")),
]
SignedAmount = Annotated[
    Decimal,
    PlainValidator(_decimal_string(SIGNED_DECIMAL_PATTERN)),
    PlainSerializer(to_wire, return_type=str),
    WithJsonSchema(_amount_schema(SIGNED_DECIMAL_PATTERN, "A signed amount")),
]
Moment = AwareDatetime


class _Model(BaseModel):
    """Strict shape: unknown fields are refused, so a typo is an error, not a loss."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class KycSnapshot(_Model):
    """Where the customer stands in identity verification."""

    status: a.KycStatus
    level: Annotated[int, Field(ge=0, le=9)] = 0
    applicant_mismatch: bool = False
    verified_at: Moment | None = None


class SecurityEventSnapshot(_Model):
    """A change of password, email, phone or second factor."""

    kind: a.SecurityChange
    occurred_at: Moment


class BalanceSnapshot(_Model):
    """What the customer holds of one asset in one account type."""

    account_type: a.AccountType
    asset: Asset
    available: Amount
    frozen: Amount = Decimal(0)


class OrderSnapshot(_Model):
    """An order of any product; only open ones block closure."""

    id: Ref
    product: a.Product
    symbol: Symbol
    side: Literal["buy", "sell"]
    kind: a.OrderKind
    status: a.OrderStatus
    quantity: Amount
    price: Amount | None = None
    created_at: Moment


class PositionSnapshot(_Model):
    """A futures, perpetual or options position; negative size is short."""

    id: Ref
    product: a.Product
    symbol: Symbol
    size: SignedAmount
    opened_at: Moment


class LoanSnapshot(_Model):
    """A margin borrow or collateralised loan still owed."""

    id: Ref
    kind: a.LoanKind
    asset: Asset
    outstanding: Amount
    opened_at: Moment


class EarnSnapshot(_Model):
    """A savings, staking or locked-product subscription."""

    id: Ref
    kind: a.EarnKind
    asset: Asset
    amount: Amount
    status: a.EarnStatus
    matures_at: Moment | None = None


class AutomationSnapshot(_Model):
    """A recurring buy, trading bot or copy-trading plan."""

    id: Ref
    kind: a.AutomationKind
    status: a.AutomationStatus
    created_at: Moment


class P2POrderSnapshot(_Model):
    """A peer-to-peer (C2C) trade."""

    id: Ref
    status: a.P2POrderStatus
    asset: Asset
    amount: Amount
    created_at: Moment


class DisputeSnapshot(_Model):
    """A P2P dispute, card chargeback or complaint."""

    id: Ref
    kind: a.DisputeKind
    status: a.DisputeStatus
    opened_at: Moment


class TransferSnapshot(_Model):
    """A deposit or withdrawal, in flight or done."""

    id: Ref
    direction: a.TransferDirection
    asset: Asset
    amount: Amount
    status: a.TransferStatus
    network: Annotated[str, StringConstraints(max_length=32)] | None = None
    address: Annotated[str, StringConstraints(max_length=128)] | None = None
    created_at: Moment
    expected_completion_at: Moment | None = None
    completed_at: Moment | None = None


class ApiKeySnapshot(_Model):
    """An API key or a third-party authorisation."""

    id: Ref
    kind: a.ApiKeyKind
    label: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    created_at: Moment
    expires_at: Moment | None = None
    revoked_at: Moment | None = None


class SubAccountSnapshot(_Model):
    """A sub-account the customer owns."""

    uid: Uid
    status: a.SubAccountStatus


class HoldSnapshot(_Model):
    """A legal hold, law-enforcement request, AML investigation or risk lock."""

    id: Ref
    kind: a.HoldKind
    reason: Annotated[str, StringConstraints(min_length=1, max_length=2000)]
    placed_by: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    placed_at: Moment
    lifted_at: Moment | None = None


class AccountSnapshot(_Model):
    """One customer and everything the ledger holds for them."""

    uid: Uid
    jurisdiction: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2,8}$")]
    status: a.CustomerStatus = a.CustomerStatus.ACTIVE
    email: (
        Annotated[str, StringConstraints(max_length=320, pattern=r"^[^@\s]+@[^@\s]+$")] | None
    ) = None
    # E.164's general form only (a + and at most 15 digits): no country's own numbering plan
    # is checked, so a number with too many digits for its country still passes.
    phone: Annotated[str, StringConstraints(pattern=r"^\+[0-9]{6,15}$")] | None = None
    full_name: Annotated[str, StringConstraints(max_length=200)] | None = None
    id_number: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = Field(
        default=None, description="National ID or passport number from KYC."
    )
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] | None = None
    created_at: Moment
    kyc: KycSnapshot
    security_events: list[SecurityEventSnapshot] = []
    balances: list[BalanceSnapshot] = []
    orders: list[OrderSnapshot] = []
    positions: list[PositionSnapshot] = []
    loans: list[LoanSnapshot] = []
    earn: list[EarnSnapshot] = []
    automations: list[AutomationSnapshot] = []
    p2p_orders: list[P2POrderSnapshot] = []
    disputes: list[DisputeSnapshot] = []
    transfers: list[TransferSnapshot] = []
    api_keys: list[ApiKeySnapshot] = []
    sub_accounts: list[SubAccountSnapshot] = []
    holds: list[HoldSnapshot] = []


class PriceSnapshot(_Model):
    """The USD price of one asset, used to value balances."""

    asset: Asset
    price_usd: Amount
    tradeable: bool = True
    updated_at: Moment


class Snapshot(_Model):
    """A snapshot file: prices, then accounts."""

    format: Literal["lastgate.snapshot/1"] = FORMAT
    generated_at: Moment
    prices: list[PriceSnapshot] = []
    accounts: list[AccountSnapshot] = []


SCHEMA_ID = "urn:lastgate:snapshot:1"


def snapshot_json_schema() -> dict[str, Any]:
    """The JSON Schema of a snapshot file, generated from the models above.

    docs/snapshot.schema.json is this, committed; regenerate it with
    ``python -m lastgate.ledger.adapters.snapshot docs/snapshot.schema.json``.
    """
    schema = Snapshot.model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **schema,
        "title": "lastgate account snapshot",
    }


def render_json_schema() -> str:
    """The schema as the committed file holds it: indented JSON ending with a newline."""
    return json.dumps(snapshot_json_schema(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    """Write the schema to the path given, or to standard output."""
    if len(argv) > 1:
        print("usage: python -m lastgate.ledger.adapters.snapshot [OUTPUT.json]", file=sys.stderr)
        return 2
    if argv:
        Path(argv[0]).write_text(render_json_schema(), encoding="utf-8")
    else:
        sys.stdout.write(render_json_schema())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
