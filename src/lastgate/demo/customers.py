"""The demo data set: customers for every eligibility outcome, as one snapshot.

``demo_snapshot(now)`` builds the snapshot as wire data and validates it through
``parse_snapshot``, so the demo travels the same import path as an exchange's file.
Every time is relative to ``now``.
"""

from __future__ import annotations

import json
from datetime import datetime

from lastgate.demo import blockers, clean, combinations  # noqa: F401 - they register
from lastgate.demo.catalogue import CATALOGUE, DemoCustomer
from lastgate.demo.records import PRICES, iso
from lastgate.ledger.adapters.snapshot import FORMAT, Snapshot
from lastgate.ledger.adapters.snapshot_io import parse_snapshot


def _in_order() -> list[DemoCustomer]:
    """Clean customers first, then one blocker each, then combinations."""
    return sorted(CATALOGUE, key=lambda c: min(len(c.failing), 2))


def demo_snapshot(now: datetime) -> Snapshot:
    """Every demo customer and the demo market prices, as of ``now`` (timezone-aware)."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    document = {
        "format": FORMAT,
        "generated_at": iso(now),
        "prices": [
            {"asset": asset, "price_usd": price, "updated_at": iso(now)}
            for asset, price in PRICES.items()
        ],
        "accounts": [c.build(c.uid, now) for c in _in_order()],
    }
    return parse_snapshot(json.dumps(document))


def demo_expectations() -> dict[str, set[str]]:
    """Each demo UID → the check codes that must not pass for it."""
    return {c.uid: {code.value for code in c.failing} for c in _in_order()}


def demo_descriptions() -> dict[str, str]:
    """Each demo UID → a one-line English description (a msgid), in catalogue order."""
    return {c.uid: c.description for c in _in_order()}


#: Each demo UID → a one-line English description, in catalogue order.
DESCRIPTIONS: dict[str, str] = demo_descriptions()
