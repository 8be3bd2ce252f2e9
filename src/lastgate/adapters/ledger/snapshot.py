"""The account snapshot: a documented JSON format for one or many accounts' state.

Integrators feed lastgate from their own systems with it (``lastgate ledger import``);
``lastgate ledger export`` writes it. The JSON Schema in docs/snapshot.schema.json is
generated from these models, so the two cannot drift. Amounts are decimal strings;
times are ISO 8601 with an offset.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Literal

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

from lastgate.domain import account as a
from lastgate.domain.money import to_wire

FORMAT = "lastgate.snapshot/1"

Uid = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.:-]{1,64}$")]
Ref = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.:-]{1,64}$")]
Asset = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9.]{1,32}$")]
Symbol = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9._/-]{1,32}$")]


DECIMAL_PATTERN = r"^[0-9]{1,20}(\.[0-9]{1,18})?$"
SIGNED_DECIMAL_PATTERN = r"^-?[0-9]{1,20}(\.[0-9]{1,18})?$"


def _decimal_string(pattern: str) -> Callable[[object], Decimal]:
    compiled = re.compile(pattern)

    def parse(value: object) -> Decimal:
        if isinstance(value, Decimal):
            return value
        if not isinstance(value, str):
            raise ValueError('must be a decimal string such as "0.00031", not a JSON number')
        if not compiled.match(value):
            raise ValueError(f"not a plain decimal string: {value!r}")
        return Decimal(value)

    return parse


# Amounts are JSON strings ("0.00031"); numbers are refused so that no float ever
# touches an amount on its way in.
Amount = Annotated[
    Decimal,
    PlainValidator(_decimal_string(DECIMAL_PATTERN)),
    PlainSerializer(to_wire, return_type=str),
    WithJsonSchema({"type": "string", "pattern": DECIMAL_PATTERN}),
]
SignedAmount = Annotated[
    Decimal,
    PlainValidator(_decimal_string(SIGNED_DECIMAL_PATTERN)),
    PlainSerializer(to_wire, return_type=str),
    WithJsonSchema({"type": "string", "pattern": SIGNED_DECIMAL_PATTERN}),
]
Moment = AwareDatetime


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class KycSnapshot(_Model):
    status: a.KycStatus
    level: Annotated[int, Field(ge=0, le=9)] = 0
    applicant_mismatch: bool = False
    verified_at: Moment | None = None


class SecurityEventSnapshot(_Model):
    kind: a.SecurityChange
    occurred_at: Moment


class BalanceSnapshot(_Model):
    account_type: a.AccountType
    asset: Asset
    available: Amount
    frozen: Amount = Decimal(0)


class OrderSnapshot(_Model):
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
    id: Ref
    product: a.Product
    symbol: Symbol
    size: SignedAmount
    opened_at: Moment


class LoanSnapshot(_Model):
    id: Ref
    kind: a.LoanKind
    asset: Asset
    outstanding: Amount
    opened_at: Moment


class EarnSnapshot(_Model):
    id: Ref
    kind: a.EarnKind
    asset: Asset
    amount: Amount
    status: a.EarnStatus
    matures_at: Moment | None = None


class AutomationSnapshot(_Model):
    id: Ref
    kind: a.AutomationKind
    status: a.AutomationStatus
    created_at: Moment


class P2POrderSnapshot(_Model):
    id: Ref
    status: a.P2POrderStatus
    asset: Asset
    amount: Amount
    created_at: Moment


class DisputeSnapshot(_Model):
    id: Ref
    kind: a.DisputeKind
    status: a.DisputeStatus
    opened_at: Moment


class TransferSnapshot(_Model):
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
    id: Ref
    kind: a.ApiKeyKind
    label: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    created_at: Moment
    expires_at: Moment | None = None
    revoked_at: Moment | None = None


class SubAccountSnapshot(_Model):
    uid: Uid
    status: a.SubAccountStatus


class HoldSnapshot(_Model):
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
    phone: Annotated[str, StringConstraints(pattern=r"^\+[0-9]{6,15}$")] | None = None
    full_name: Annotated[str, StringConstraints(max_length=200)] | None = None
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
