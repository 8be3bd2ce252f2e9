"""Secrets a person types into a text, found and replaced before anything stores it.

Every free text lastgate stores goes through ``redact`` first (a ticket, a closure
reason, a staff note or hold reason, a campaign's name), and the audit log redacts every
string of an entry's payload before hashing it (``redact_payload``), since it is never
erased.

Detected, in the text as folded by ``kernel.folded_text`` (full-width forms, invisible
characters): BIP-39 seed phrases in every language of python-mnemonic's word lists
(``kernel.seed_phrases``); raw private keys in hex (64 hex digits, optionally ``0x``);
WIF private keys, whole or split into groups (base58check verified after joining);
extended private keys (``xprv…``); passwords labelled as such ("password: …",
"my password is …" when what follows has a digit, a symbol or a capital inside it,
"密码是 …", "登录密码: …" (or 密碼) when what follows is in Latin letters, digits and
symbols).

A 64-hex-digit value labelled as a transaction id ("txid", "tx hash", "交易哈希") is kept:
support needs it, and a transaction hash is public on the chain anyway.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from lastgate.kernel.folded_text import FoldedText, fold, has_invisible
from lastgate.kernel.i18n import translate
from lastgate.kernel.messages import N_, Message
from lastgate.kernel.present import formats, labels
from lastgate.kernel.seed_phrases import MIN_SEED_WORDS, find_seed_phrases

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

WARNING = N_(
    "We removed what looked like a secret ({kinds}) from your message before storing it. "
    "Our staff will never ask for your seed phrase, private keys or passwords. If you "
    "shared them anywhere, move your funds to a new wallet now."
)


def warning(kinds: tuple[str, ...], lang: str) -> str | None:
    """What to tell the customer, in ``lang``, when secrets of ``kinds`` (``SecretKind``
    values) were removed, each kind by its label; None when none were."""
    if not kinds:
        return None
    named = dict.fromkeys(labels.label("secret_kind", kind, lang) for kind in kinds)
    return translate(Message(WARNING, {"kinds": formats.listing(list(named), lang)}), lang)


class SecretKind(StrEnum):
    SEED_PHRASE = "seed_phrase"
    PRIVATE_KEY_HEX = "private_key_hex"
    PRIVATE_KEY_WIF = "private_key_wif"
    EXTENDED_PRIVATE_KEY = "extended_private_key"
    PASSWORD = "password"


@dataclass(frozen=True, slots=True)
class Finding:
    kind: SecretKind
    start: int
    end: int
    certain: bool = True


@dataclass(frozen=True, slots=True)
class Redacted:
    """A text with every secret replaced by ``[REDACTED:<kind>]``, and what was found."""

    text: str
    findings: tuple[Finding, ...]

    @property
    def kinds(self) -> tuple[SecretKind, ...]:
        return tuple(sorted({f.kind for f in self.findings}))


def b58decode_check(text: str) -> bytes | None:
    """The payload of a base58check string; None if it is not one."""
    number = 0
    for ch in text:
        position = _B58.find(ch)
        if position < 0:
            return None
        number = number * 58 + position
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    raw = b"\0" * (len(text) - len(text.lstrip("1"))) + raw
    payload, checksum = raw[:-4], raw[-4:]
    if len(raw) < 5 or hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4] != checksum:
        return None
    return payload


_HEX_KEY = re.compile(r"(?<![0-9A-Za-z])(?:0x)?[0-9a-fA-F]{64}(?![0-9A-Za-z])")
_TX_LABEL = re.compile(
    r"(?:tx\s*id|txid|tx\s*hash|transaction\s*(?:id|hash)|hash|交易哈希|交易\s*id)"
    r"\s*(?:[:=#]|is|was|是|为)?\s*$",
    re.IGNORECASE,
)
_XPRV = re.compile(r"(?<![0-9A-Za-z])[xyztuvYZ]prv[1-9A-HJ-NP-Za-km-z]{100,112}(?![0-9A-Za-z])")
# Where a base58 key may begin: WIF (mainnet 5/K/L, testnet 9/c), extended private keys.
_WIF_START = re.compile(r"(?<![0-9A-Za-z])[5KL9c]")
_XPRV_START = re.compile(r"(?<![0-9A-Za-z])[xyztuvYZ]prv")
_GROUP_SEPARATOR = re.compile(r"[\s\-_.\u00b7]{1,3}")
_PASSWORD_VALUE = r"(?P<value>(?:(?![\"',;`])[!-~]){3,})"
_PASSWORD = re.compile(
    r"(?:\b(?:pass\s*word|passwd|pwd|passcode|pass\s*phrase|pin(?:\s*code)?)\b"
    r"(?:\s*(?P<assigned>[:=])|\s+(?:is|was))"
    r"|(?P<chinese>密[码碼]|口令)\s*(?:是|为|為|[:=]))\s*[\"'\u201c\u2018]?" + _PASSWORD_VALUE,
    re.IGNORECASE,
)
# "my password is wrong" names no password; "my password is hunter2" does.
_LOOKS_LIKE_PASSWORD = re.compile(r"[^A-Za-z]|.[A-Z]")


def _base58_groups(text: str, start: int, lengths: tuple[int, ...]) -> Iterator[tuple[int, str]]:
    """From ``start``, the base58 characters read across group separators (``5Hue CGU8…``,
    ``5Hue-CGU8…``): (end in ``text``, the joined string) for each length reached."""
    joined: list[str] = []
    i = start
    while i < len(text) and len(joined) < lengths[-1]:
        if text[i] in _B58:
            joined.append(text[i])
            i += 1
            if len(joined) in lengths:
                yield i, "".join(joined)
            continue
        gap = _GROUP_SEPARATOR.match(text, i)
        if gap is None or gap.end() >= len(text) or text[gap.end()] not in _B58:
            return
        i = gap.end()


def _is_wif_payload(payload: bytes) -> bool:
    """A version byte (mainnet, testnet), a 32-byte key, and 0x01 if compressed."""
    if payload[:1] not in (b"\x80", b"\xef"):
        return False
    return len(payload) == 33 or (len(payload) == 34 and payload[-1] == 1)


def _wif_findings(text: str) -> Iterator[tuple[SecretKind, int, int]]:
    for match in _WIF_START.finditer(text):
        for end, candidate in _base58_groups(text, match.start(), (51, 52)):
            payload = b58decode_check(candidate)
            if payload is not None and _is_wif_payload(payload):
                yield SecretKind.PRIVATE_KEY_WIF, match.start(), end
    for match in _XPRV.finditer(text):
        yield SecretKind.EXTENDED_PRIVATE_KEY, match.start(), match.end()
    for match in _XPRV_START.finditer(text):
        for end, candidate in _base58_groups(text, match.start(), (111, 112)):
            payload = b58decode_check(candidate)
            if payload is not None and len(payload) == 78:
                yield SecretKind.EXTENDED_PRIVATE_KEY, match.start(), end


def _folded_findings(folded: FoldedText) -> Iterator[Finding]:
    text = folded.text

    def found(kind: SecretKind, start: int, end: int, certain: bool = True) -> Finding:
        return Finding(kind, *folded.original_span(start, end), certain)

    if sum(ch.isalpha() for ch in text) >= MIN_SEED_WORDS:
        for span in find_seed_phrases(text):
            yield found(SecretKind.SEED_PHRASE, span.start, span.end, span.certain)
    for match in _HEX_KEY.finditer(text):
        if not _TX_LABEL.search(text[max(0, match.start() - 24) : match.start()]):
            yield found(SecretKind.PRIVATE_KEY_HEX, match.start(), match.end())
    for kind, start, end in _wif_findings(text):
        yield found(kind, start, end)
    for match in _PASSWORD.finditer(text):
        value = match.group("value")
        if not any(ch.isalnum() for ch in value):
            continue
        if match.group("assigned") or match.group("chinese") or _LOOKS_LIKE_PASSWORD.search(value):
            yield found(SecretKind.PASSWORD, match.start("value"), match.end("value"))


def find_secrets(text: str) -> list[Finding]:
    """Every secret in ``text``, by position in it; overlapping findings are merged later.
    Invisible characters are read both as nothing (inside a word) and as a space (between
    words)."""
    findings = list(_folded_findings(fold(text)))
    if has_invisible(text):
        findings.extend(_folded_findings(fold(text, invisible_as=" ")))
    return sorted(findings, key=lambda f: (f.start, -f.end))


_MARKER = re.compile(r"\[REDACTED:([a-z_]+)\]")


def removed_kinds(typed: str, stored: str) -> tuple[str, ...]:
    """The kinds of secret removed from ``typed`` on its way to ``stored`` (markers that
    ``stored`` has and ``typed`` had not), for telling whoever typed it."""
    added = Counter(_MARKER.findall(stored)) - Counter(_MARKER.findall(typed))
    return tuple(sorted(added))


def redact(text: str) -> Redacted:
    """``text`` with every secret replaced; the findings say what was there."""
    kept: list[Finding] = []
    for finding in find_secrets(text):
        if kept and finding.start < kept[-1].end:
            if finding.end > kept[-1].end:
                last = kept[-1]
                kept[-1] = Finding(last.kind, last.start, finding.end, last.certain)
            continue
        kept.append(finding)
    pieces: list[str] = []
    cursor = 0
    for finding in kept:
        pieces.append(text[cursor : finding.start])
        pieces.append(f"[REDACTED:{finding.kind.value}]")
        cursor = finding.end
    pieces.append(text[cursor:])
    return Redacted("".join(pieces), tuple(kept))


# A payload's field that names a digest holds one the code computed (an export's or an
# upload's SHA-256), never a key someone typed: kept, as a labelled txid is in a text.
_DIGEST_FIELD = re.compile(r"(?:^|_)(?:sha256|sha512|hash|digest|checksum|txid)$", re.IGNORECASE)
_DIGEST_VALUE = re.compile(r"(?:0x)?[0-9a-fA-F]{32,128}")
# Shorter than any secret the detector knows: a UID, a state, a code.
_TOO_SHORT = 8


def redact_value(value: Any, field: str | None = None) -> Any:
    """``value`` with every string in it (keys too, in mappings and sequences) redacted."""
    if isinstance(value, str):
        if len(value) < _TOO_SHORT:
            return value
        if field is not None and _DIGEST_FIELD.search(field) and _DIGEST_VALUE.fullmatch(value):
            return value
        return redact(value).text
    if isinstance(value, Mapping):
        return {
            redact_value(k): redact_value(v, k if isinstance(k, str) else None)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [redact_value(v, field) for v in value]
    return value


def redact_payload(payload: Mapping[str, Any]) -> dict[str, Any]:
    """An audit payload with every string in it redacted, digests named as such kept."""
    redacted: dict[str, Any] = redact_value(payload)
    return redacted
