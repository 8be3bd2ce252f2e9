"""The catalogue of demo customers: each registered with its description and verdict.

Modules ``clean``, ``blockers`` and ``combinations`` register their customers here with
``@demo(...)``; ``lastgate.demo.customers`` assembles them into a snapshot.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from lastgate.demo.records import Record, customer
from lastgate.eligibility.model.report import CheckCode

Build = Callable[[str, datetime], Record]

#: Where a demo customer lives: (jurisdiction, country, phone prefix, digits after it).
#: A US number is one of the NANP's fictional ones, 555-0100 to 555-0199 (here in the 202
#: area): +1 202 555 01xx, ten digits after the country code.
_PLACES: dict[str, tuple[str, str, str, int]] = {
    "DE": ("EU", "DE", "+49151", 7),
    "FR": ("EU", "FR", "+33612", 7),
    "ES": ("EU", "ES", "+34612", 7),
    "US": ("US", "US", "+120255501", 2),
    "SG": ("SG", "SG", "+6591", 7),  # no policy file: the DEFAULT policy applies
}


@dataclass(frozen=True)
class DemoCustomer:
    """One demo customer: who they are, what the demo shows, and which checks fail."""

    uid: str
    description: str
    failing: frozenset[CheckCode]
    build: Build


CATALOGUE: list[DemoCustomer] = []


def demo(uid: str, description: str, *failing: CheckCode) -> Callable[[Build], Build]:
    """Register a demo customer whose checks all pass except ``failing``."""

    def register(build: Build) -> Build:
        if any(c.uid == uid for c in CATALOGUE):
            raise ValueError(f"demo customer {uid} registered twice")
        CATALOGUE.append(DemoCustomer(uid, description, frozenset(failing), build))
        return build

    return register


def person(
    uid: str,
    name: str,
    now: datetime,
    *,
    place: str = "DE",
    years: float = 2.5,
    kyc_status: str = "verified",
    **collections: Record | list[Record],
) -> Record:
    """A demo customer record living in ``place``, a customer for ``years`` years."""
    jurisdiction, country, prefix, digits = _PLACES[place]
    number = str(sum(map(ord, uid)) * 7919 % 10**digits).zfill(digits)
    return customer(
        uid,
        name,
        jurisdiction=jurisdiction,
        country=country,
        phone=f"{prefix}{number}",
        created_at=now - timedelta(days=round(365 * years)),
        kyc_status=kyc_status,
        **collections,
    )
