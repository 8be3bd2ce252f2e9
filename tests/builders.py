"""Builders of realistic accounts, loaded through the product's own snapshot import.

``account()`` returns a snapshot account as JSON-ready data; ``load()`` validates and
imports accounts exactly as ``lastgate ledger import`` does.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from lastgate.ledger.adapters.snapshot_io import import_snapshot, parse_snapshot

T0 = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)

PRICES: dict[str, str] = {
    "BTC": "90000",
    "ETH": "3000",
    "USDT": "1",
    "USD": "1",
    "EUR": "1.08",
    "SOL": "150",
    "DOGE": "0.1",
    "SHIB": "0.00001",
}


def iso(moment: datetime) -> str:
    return moment.isoformat()


def account(uid: str = "U1000", *, jurisdiction: str = "EU", **fields: Any) -> dict[str, Any]:
    """A verified, clean, active account; ``fields`` add or override snapshot fields."""
    data: dict[str, Any] = {
        "uid": uid,
        "jurisdiction": jurisdiction,
        "status": "active",
        "email": f"{uid.lower()}@example.com",
        "phone": "+4915112345678",
        "full_name": "Test Customer",
        "id_number": f"ID-{uid}",
        "country": "DE",
        "created_at": "2023-01-15T09:00:00+00:00",
        "kyc": {"status": "verified", "level": 2, "verified_at": "2023-01-16T10:00:00+00:00"},
    }
    data.update(fields)
    return data


def withdrew_above_review(uid: str, now: datetime, **fields: Any) -> dict[str, Any]:
    """``account(uid)`` with two 6,000 USDT withdrawals in the last days: above the review
    threshold, so closing it needs a person's review (``WITHDRAWAL_REVIEW``)."""
    transfers = [
        {
            "id": f"{uid}-w{i}",
            "direction": "withdrawal",
            "asset": "USDT",
            "amount": "6000",
            "status": "completed",
            "created_at": iso(now - timedelta(days=i + 1)),
        }
        for i in range(2)
    ]
    return account(uid, transfers=transfers, **fields)


def snapshot(*accounts: dict[str, Any], prices: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "format": "lastgate.snapshot/1",
        "generated_at": iso(T0),
        "prices": [
            {"asset": asset, "price_usd": price, "updated_at": iso(T0)}
            for asset, price in (PRICES if prices is None else prices).items()
        ],
        "accounts": list(accounts),
    }


def load(engine: Engine, *accounts: dict[str, Any], prices: dict[str, str] | None = None) -> None:
    """Import ``accounts`` (and prices) through the snapshot path."""
    import_snapshot(engine, parse_snapshot(json.dumps(snapshot(*accounts, prices=prices))))
