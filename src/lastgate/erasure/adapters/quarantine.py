"""Identifier quarantine: a closed customer's e-mail, phone and ID number, held only as
keyed hashes, cannot open a new account until the policy's period ends."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from datetime import datetime

from sqlalchemy import Connection, delete, select

from lastgate.erasure.adapters.tables import identifier_quarantine
from lastgate.kernel.settings import Settings

KINDS = ("email", "phone", "id_number")


def normalise(kind: str, value: str) -> str:
    """One spelling per identifier, so that ``Ada@X.com `` and ``ada@x.com`` match."""
    value = value.strip()
    if kind == "email":
        return value.lower()
    if kind == "phone":
        return re.sub(r"[^0-9+]", "", value)
    return re.sub(r"[\s-]", "", value).upper()


def _key(settings: Settings) -> bytes:
    master = base64.b64decode(settings.master_key.get_secret_value())
    return hmac.new(master, b"lastgate identifier quarantine v1", hashlib.sha256).digest()


def digest(settings: Settings, kind: str, value: str) -> str:
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    message = f"{kind}:{normalise(kind, value)}".encode()
    return hmac.new(_key(settings), message, hashlib.sha256).hexdigest()


def quarantined_until(
    conn: Connection, settings: Settings, kind: str, value: str, now: datetime
) -> datetime | None:
    """The end of the quarantine on this identifier, or None if it is free to use."""
    q = identifier_quarantine.c
    return conn.execute(
        select(q.until)
        .where(q.digest == digest(settings, kind, value), q.until > now)
        .order_by(q.until.desc())
        .limit(1)
    ).scalar_one_or_none()


def purge_expired(conn: Connection, now: datetime) -> int:
    return conn.execute(
        delete(identifier_quarantine).where(identifier_quarantine.c.until <= now)
    ).rowcount
