"""The audit chain: each entry's hash covers its content and the previous entry's hash,
so editing or removing any entry breaks every hash after it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

GENESIS = "0" * 64


@dataclass(frozen=True, slots=True)
class AuditEntry:
    seq: int
    occurred_at: datetime
    actor: str
    action: str
    subject: str
    payload: str  # canonical JSON, as hashed
    prev_hash: str
    hash: str


def canonical_payload(payload: Mapping[str, Any]) -> str:
    """The one JSON text of ``payload`` that is hashed and stored."""
    return json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )


def entry_hash(
    *,
    seq: int,
    occurred_at: datetime,
    actor: str,
    action: str,
    subject: str,
    payload: str,
    prev_hash: str,
) -> str:
    body = json.dumps(
        [seq, occurred_at.isoformat(), actor, action, subject, payload, prev_hash],
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class ChainBreak:
    seq: int
    problem: str


def verify_chain(entries: Iterable[AuditEntry]) -> list[ChainBreak]:
    """Every place where the chain does not hold, in order; empty when it is intact."""
    breaks: list[ChainBreak] = []
    prev_hash, expected_seq = GENESIS, 1
    for entry in entries:
        if entry.seq != expected_seq:
            breaks.append(ChainBreak(entry.seq, f"expected entry {expected_seq}: entries missing"))
        if entry.prev_hash != prev_hash:
            breaks.append(
                ChainBreak(entry.seq, "previous hash does not match: entry removed or reordered")
            )
        recomputed = entry_hash(
            seq=entry.seq,
            occurred_at=entry.occurred_at,
            actor=entry.actor,
            action=entry.action,
            subject=entry.subject,
            payload=entry.payload,
            prev_hash=entry.prev_hash,
        )
        if recomputed != entry.hash:
            breaks.append(ChainBreak(entry.seq, "content does not match its hash: entry edited"))
        prev_hash, expected_seq = entry.hash, entry.seq + 1
    return breaks
