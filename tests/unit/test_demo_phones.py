"""The demo customers' phone numbers have the form of a real number of where they live: a
US customer's is a NANP fictional one (+1 NPA 555 01xx, ten digits after the +1).

The snapshot itself checks only E.164's general form (``+`` and at most 15 digits,
``AccountSnapshot.phone``), which a number with too many digits for its country still
has: no per-country rule exists there, and none is invented for the demo."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from lastgate.demo.customers import demo_snapshot

NANP_FICTIONAL = re.compile(r"^\+1[2-9][0-9]{2}55501[0-9]{2}$")


def _phones() -> dict[str, tuple[str, str | None]]:
    snapshot = demo_snapshot(datetime(2026, 11, 23, 12, tzinfo=UTC))
    return {a.uid: (a.country or "", a.phone) for a in snapshot.accounts}


def test_a_us_demo_customer_has_a_fictional_nanp_number() -> None:
    us = {uid: phone for uid, (country, phone) in _phones().items() if country == "US"}
    assert "DEMO-CLEAN-US" in us
    assert {uid: phone for uid, phone in us.items() if not NANP_FICTIONAL.match(phone or "")} == {}
