"""Builders of snapshot records (JSON-ready dicts) for the demo customers.

Each returns one item of a snapshot collection in the documented wire format: amounts as
decimal strings, times as ISO 8601 with an offset.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

Record = dict[str, Any]

#: USD prices of the demo market. LUNC is deliberately absent: a delisted asset.
PRICES: dict[str, str] = {
    "BTC": "90000",
    "ETH": "3000",
    "USDT": "1",
    "USDC": "1",
    "USD": "1",
    "EUR": "1.08",
    "SOL": "150",
    "XRP": "0.6",
    "DOGE": "0.1",
    "SHIB": "0.00001",
}


def iso(moment: datetime) -> str:
    return moment.isoformat()


def demo_email(uid: str) -> str:
    """The e-mail address the demo gives customer ``uid``; the demo mailbox knows it even
    once the account is closed and its address erased."""
    return f"{uid.lower()}@demo.lastgate.test"


def customer(
    uid: str,
    name: str,
    *,
    jurisdiction: str,
    country: str,
    phone: str,
    created_at: datetime,
    kyc_status: str = "verified",
    **collections: Any,
) -> Record:
    """A customer with verified identity (unless told otherwise) and ``collections``."""
    kyc: Record = {"status": kyc_status, "level": 2 if kyc_status == "verified" else 0}
    if kyc_status == "verified":
        kyc["verified_at"] = iso(created_at.replace(microsecond=0))
    data: Record = {
        "uid": uid,
        "jurisdiction": jurisdiction,
        "status": "active",
        "email": demo_email(uid),
        "phone": phone,
        "full_name": name,
        "country": country,
        "created_at": iso(created_at),
        "kyc": kyc,
    }
    data.update(collections)
    return data


def balance(asset: str, available: str, frozen: str = "0", account_type: str = "funding") -> Record:
    return {"account_type": account_type, "asset": asset, "available": available, "frozen": frozen}


def order(
    ref: str,
    symbol: str,
    status: str,
    created_at: datetime,
    *,
    side: str = "buy",
    kind: str = "limit",
    product: str = "spot",
    quantity: str = "0.1",
    price: str | None = "85000",
) -> Record:
    record: Record = {
        "id": ref,
        "product": product,
        "symbol": symbol,
        "side": side,
        "kind": kind,
        "status": status,
        "quantity": quantity,
        "created_at": iso(created_at),
    }
    if price is not None:
        record["price"] = price
    return record


def transfer(
    ref: str,
    direction: str,
    asset: str,
    amount: str,
    status: str,
    created_at: datetime,
    *,
    network: str = "ERC20",
    expected_completion_at: datetime | None = None,
    completed_at: datetime | None = None,
) -> Record:
    record: Record = {
        "id": ref,
        "direction": direction,
        "asset": asset,
        "amount": amount,
        "status": status,
        "network": network,
        "created_at": iso(created_at),
    }
    if expected_completion_at is not None:
        record["expected_completion_at"] = iso(expected_completion_at)
    if completed_at is not None:
        record["completed_at"] = iso(completed_at)
    return record


def api_key(
    ref: str,
    label: str,
    created_at: datetime,
    *,
    kind: str = "api_key",
    expires_at: datetime | None = None,
    revoked_at: datetime | None = None,
) -> Record:
    record: Record = {"id": ref, "kind": kind, "label": label, "created_at": iso(created_at)}
    if expires_at is not None:
        record["expires_at"] = iso(expires_at)
    if revoked_at is not None:
        record["revoked_at"] = iso(revoked_at)
    return record


def hold(
    ref: str,
    kind: str,
    reason: str,
    placed_at: datetime,
    *,
    placed_by: str,
    lifted_at: datetime | None = None,
) -> Record:
    record: Record = {
        "id": ref,
        "kind": kind,
        "reason": reason,
        "placed_by": placed_by,
        "placed_at": iso(placed_at),
    }
    if lifted_at is not None:
        record["lifted_at"] = iso(lifted_at)
    return record


def position(ref: str, product: str, symbol: str, size: str, opened_at: datetime) -> Record:
    return {
        "id": ref,
        "product": product,
        "symbol": symbol,
        "size": size,
        "opened_at": iso(opened_at),
    }


def loan(ref: str, kind: str, asset: str, outstanding: str, opened_at: datetime) -> Record:
    return {
        "id": ref,
        "kind": kind,
        "asset": asset,
        "outstanding": outstanding,
        "opened_at": iso(opened_at),
    }


def earn(
    ref: str, kind: str, asset: str, amount: str, status: str, matures_at: datetime | None
) -> Record:
    record: Record = {"id": ref, "kind": kind, "asset": asset, "amount": amount, "status": status}
    if matures_at is not None:
        record["matures_at"] = iso(matures_at)
    return record


def automation(ref: str, kind: str, status: str, created_at: datetime) -> Record:
    return {"id": ref, "kind": kind, "status": status, "created_at": iso(created_at)}


def p2p_order(ref: str, status: str, asset: str, amount: str, created_at: datetime) -> Record:
    return {
        "id": ref,
        "status": status,
        "asset": asset,
        "amount": amount,
        "created_at": iso(created_at),
    }


def dispute(ref: str, kind: str, status: str, opened_at: datetime) -> Record:
    return {"id": ref, "kind": kind, "status": status, "opened_at": iso(opened_at)}


def security_event(kind: str, occurred_at: datetime) -> Record:
    return {"kind": kind, "occurred_at": iso(occurred_at)}


def sub_account(uid: str, status: str) -> Record:
    return {"uid": uid, "status": status}
