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


def from_form(roles: Sequence[str], texts: Sequence[str], seals: Sequence[str]) -> list[Line]:
    """The lines a form carries as parallel fields (a missing seal is empty); a line of
    neither speaker is dropped. Browsers send every line break as CRLF, so they are read
    back as the LF the server sealed."""
    padded = [*seals, *[""] * (len(roles) - len(seals))]
    return [
        Line(role, text.replace("\r\n", "\n"), mark)
        for role, text, mark in zip(roles, texts, padded, strict=False)
        if role in ("customer", "assistant")
    ]


def derive_key(master_key: bytes) -> bytes:
    """The sealing key, derived so that it is never the master key itself."""
    return hmac.new(master_key, SEAL_PURPOSE, hashlib.sha256).digest()


def seal(key: bytes, uid: str, question: str, answer: str) -> str:
    """The seal of ``answer`` given to ``uid`` for ``question`` (framed as JSON, so no two
    different triples share a message)."""
    message = json.dumps([uid, question, answer], ensure_ascii=False, separators=(",", ":"))
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def genuine(key: bytes, uid: str, lines: Sequence[Line]) -> tuple[list[tuple[str, str]], int]:
    """The conversation as the server gave it, and how many lines were left out: every
    customer line is kept; an assistant line only when its seal proves the server gave this
    answer to this customer for the customer line just before it."""
    kept: list[tuple[str, str]] = []
    question, dropped = "", 0
    for line in lines:
        if line.role == "customer":
            kept.append(("customer", line.text))
            question = line.text
        elif line.role == "assistant" and hmac.compare_digest(
            seal(key, uid, question, line.text).encode(), line.seal.encode()
        ):
            kept.append(("assistant", line.text))
        else:
            dropped += 1
    return kept, dropped
