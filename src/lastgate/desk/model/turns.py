"""Sealed assistant turns: each answer the assistant gives is sealed (HMAC-SHA256 under a
server key) together with the customer it was given to and the question it answered, so a
hand-off keeps only what the assistant really said. The customer's own words need no seal:
they are the customer's."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass

#: Derives the sealing key from the master key; a new version invalidates every old seal.
SEAL_PURPOSE = b"lastgate assistant turn seal v1"


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a conversation as a client sends it back: who spoke, the words, and (for
    the assistant's lines) the seal the server gave with them."""

    role: str
    text: str
    seal: str = ""
    at: str = ""  # an assistant line's moment (ISO 8601), sealed with it


@dataclass(frozen=True, slots=True)
class Said:
    """One line of the conversation as the hand-off keeps it: who spoke, the words, and
    when, as the server attests it (a sealed answer's moment; a customer's line, that of the
    answer it was asked for, else the hand-off's)."""

    role: str
    text: str
    at: str


def from_form(
    roles: Sequence[str], texts: Sequence[str], seals: Sequence[str], moments: Sequence[str] = ()
) -> list[Line]:
    """The lines a form carries as parallel fields (a missing seal or moment is empty); a
    line of neither speaker is dropped. Browsers send every line break as CRLF, so they are
    read back as the LF the server sealed."""
    padded = [*seals, *[""] * (len(roles) - len(seals))]
    times = [*moments, *[""] * (len(roles) - len(moments))]
    return [
        Line(role, text.replace("\r\n", "\n"), mark, at)
        for role, text, mark, at in zip(roles, texts, padded, times, strict=False)
        if role in ("customer", "assistant")
    ]


def derive_key(master_key: bytes) -> bytes:
    """The sealing key, derived so that it is never the master key itself."""
    return hmac.new(master_key, SEAL_PURPOSE, hashlib.sha256).digest()


def seal(key: bytes, uid: str, question: str, answer: str, at: str) -> str:
    """The seal of ``answer`` given to ``uid`` for ``question`` at ``at`` (framed as JSON,
    so no two different quadruples share a message)."""
    message = json.dumps([uid, question, answer, at], ensure_ascii=False, separators=(",", ":"))
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def genuine(key: bytes, uid: str, lines: Sequence[Line], now: str) -> tuple[list[Said], int]:
    """The conversation as the server gave it, and how many lines were left out: every
    customer line is kept; an assistant line only when its seal proves the server gave this
    answer to this customer for the customer line just before it, at the moment it names.
    A customer line is dated by the sealed answer to it, else ``now`` (the hand-off): no
    moment the client claims is believed unsealed."""
    kept: list[Said] = []
    question, asked_at, dropped = "", -1, 0
    for line in lines:
        if line.role == "customer":
            kept.append(Said("customer", line.text, now))
            question, asked_at = line.text, len(kept) - 1
        elif line.role == "assistant" and hmac.compare_digest(
            seal(key, uid, question, line.text, line.at).encode(), line.seal.encode()
        ):
            if asked_at >= 0 and kept[asked_at].at == now:
                kept[asked_at] = Said("customer", question, line.at)
            kept.append(Said("assistant", line.text, line.at))
        else:
            dropped += 1
    return kept, dropped
