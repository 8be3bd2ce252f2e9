"""The audit chain.

An entry is written with a hash of its own content (``content_hash``) and no link: the
writer's transaction takes no lock shared with other writers. Later a sealer gives each
committed entry the next place in the chain (``chain_seq``) and a link hash over its
place, its content and the previous entry's link hash, so editing, removing, reordering
or inserting any sealed entry breaks the chain; the chain's head (place and hash of the
last sealed entry) is kept apart, so removing entries from the end shows too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

GENESIS = "0" * 64


@dataclass(frozen=True, slots=True)
class AuditEntry:
    seq: int  # the order entries were written in; gaps are normal (rolled back writes)
    occurred_at: datetime
    actor: str
    action: str
    subject: str
    payload: str  # canonical JSON, as hashed
    prev_hash: str | None  # None until the entry is sealed into the chain
    hash: str | None
    chain_seq: int | None = None  # the entry's place in the chain, once sealed
    content_hash: str | None = None  # None only on entries written before sealing existed

    @property
    def sealed(self) -> bool:
        return self.chain_seq is not None


def canonical_payload(payload: Mapping[str, Any]) -> str:
    """The one JSON text of ``payload`` that is hashed and stored."""
    return json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )


def _digest(parts: list[object]) -> str:
    body = json.dumps(parts, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def content_hash(
    *, occurred_at: datetime, actor: str, action: str, subject: str, payload: str
) -> str:
    """The hash of what an entry says, computed when it is written."""
    return _digest(["content", occurred_at.isoformat(), actor, action, subject, payload])


def link_hash(
    *,
    chain_seq: int,
    occurred_at: datetime,
    actor: str,
    action: str,
    subject: str,
    payload: str,
    prev_hash: str,
) -> str:
    """The hash that places an entry in the chain (the format entries had before sealing
    existed, when ``chain_seq`` was ``seq``, so those entries still verify)."""
    return _digest([chain_seq, occurred_at.isoformat(), actor, action, subject, payload, prev_hash])


def _content_of(entry: AuditEntry) -> str:
    return content_hash(
        occurred_at=entry.occurred_at,
        actor=entry.actor,
        action=entry.action,
        subject=entry.subject,
        payload=entry.payload,
    )


def _link_of(entry: AuditEntry, chain_seq: int, prev_hash: str) -> str:
    return link_hash(
        chain_seq=chain_seq,
        occurred_at=entry.occurred_at,
        actor=entry.actor,
        action=entry.action,
        subject=entry.subject,
        payload=entry.payload,
        prev_hash=prev_hash,
    )


def seal(entries: Iterable[AuditEntry], head: tuple[int, str]) -> list[AuditEntry]:
    """``entries`` (unsealed, in the order they were written) linked onto the chain that
    ends at ``head`` (place, hash)."""
    chain_seq, prev_hash = head
    sealed = []
    for entry in entries:
        chain_seq += 1
        digest = _link_of(entry, chain_seq, prev_hash)
        sealed.append(replace(entry, chain_seq=chain_seq, prev_hash=prev_hash, hash=digest))
        prev_hash = digest
    return sealed


@dataclass(frozen=True, slots=True)
class ChainBreak:
    seq: int
    problem: str


def _unsealed_breaks(entry: AuditEntry) -> list[ChainBreak]:
    if entry.content_hash is None:
        return [ChainBreak(entry.seq, "entry has neither a content hash nor a place in the chain")]
    if entry.hash is not None or entry.prev_hash is not None:
        return [ChainBreak(entry.seq, "unsealed entry carries a link: entry tampered with")]
    return []


def _sealed_breaks(entry: AuditEntry, expected: int, prev_hash: str) -> list[ChainBreak]:
    assert entry.chain_seq is not None
    breaks = []
    if entry.chain_seq != expected:
        breaks.append(
            ChainBreak(entry.seq, f"expected chain entry {expected}: entries missing or moved")
        )
    if entry.prev_hash != prev_hash:
        breaks.append(
            ChainBreak(entry.seq, "previous hash does not match: entry removed or reordered")
        )
    if entry.hash != _link_of(entry, entry.chain_seq, entry.prev_hash or ""):
        breaks.append(ChainBreak(entry.seq, "content does not match its hash: entry edited"))
    return breaks


def verify_chain(
    entries: Iterable[AuditEntry], head: tuple[int, str] | None = None
) -> list[ChainBreak]:
    """Every place where the chain does not hold, in order; empty when it is intact.

    ``entries`` come in chain order (sealed ones by place, then unsealed ones). Give the
    ``head`` read before the entries to also catch entries removed from the chain's end;
    entries sealed after it was read are fine.
    """
    breaks: list[ChainBreak] = []
    prev_hash, expected = GENESIS, 1
    at_head = GENESIS if head is not None and head[0] == 0 else None  # the hash found there
    for entry in entries:
        edited = entry.content_hash is not None and entry.content_hash != _content_of(entry)
        if edited:
            breaks.append(ChainBreak(entry.seq, "content does not match its hash: entry edited"))
        if entry.chain_seq is None:
            breaks.extend(_unsealed_breaks(entry))
            continue
        found = _sealed_breaks(entry, expected, prev_hash)
        breaks.extend(b for b in found if not (edited and b.problem.endswith("entry edited")))
        prev_hash, expected = entry.hash or "", entry.chain_seq + 1
        if head is not None and entry.chain_seq == head[0]:
            at_head = prev_hash
    if head is not None and at_head != head[1]:
        breaks.append(
            ChainBreak(
                head[0],
                f"the chain's head is entry {head[0]} but the chain does not end there with "
                "the head's hash: entries removed from the end, or the head altered",
            )
        )
    return breaks
