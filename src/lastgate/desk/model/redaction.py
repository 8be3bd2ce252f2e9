"""Secrets a customer pastes into a message, found and replaced before anything stores it.

Detected: BIP-39 seed phrases (any run of 12 or more words of the English wordlist;
the checksum, when a 12/15/18/21/24-word window has a valid one, marks the finding as
certain), raw private keys in hex (64 hex digits, optionally ``0x``), WIF private keys
(base58check verified), extended private keys (``xprv…``) and passwords the customer
labels as such ("my password is …", "password: …", "密码是 …").

A 64-hex-digit value labelled as a transaction id ("txid", "tx hash", "交易哈希") is kept:
support needs it, and a transaction hash is public on the chain anyway.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib.resources import files

from lastgate.kernel.messages import N_, Message

#: SHA-256 of the official BIP-39 English wordlist (bitcoin/bips, bip-0039/english.txt).
WORDLIST_SHA256 = "2f5eed53a4727b4bf8880d8f3f199efc90e58503646d9ff8eff3a2ed3b24dbda"
MIN_SEED_WORDS = 12
SEED_LENGTHS = (24, 21, 18, 15, 12)
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


WARNING = N_(
    "We removed what looked like a secret ({kinds}) from your message before storing it. "
    "Our staff will never ask for your seed phrase, private keys or passwords. If you "
    "shared them anywhere, move your funds to a new wallet now."
)


def warning(kinds: tuple[str, ...]) -> Message | None:
    """What to tell the customer when secrets were removed; None when none were."""
    return Message(WARNING, {"kinds": ", ".join(kinds)}) if kinds else None


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


@cache
def wordlist() -> tuple[str, ...]:
    """The 2048 words, checked against the official list's hash."""
    raw = files("lastgate.desk.model").joinpath("bip39_english.txt").read_bytes()
    if hashlib.sha256(raw).hexdigest() != WORDLIST_SHA256:
        raise RuntimeError("the shipped BIP-39 wordlist is not the official one")
    return tuple(raw.decode("ascii").split())


@cache
def _index() -> dict[str, int]:
    return {word: i for i, word in enumerate(wordlist())}


def valid_mnemonic(words: list[str] | tuple[str, ...]) -> bool:
    """True when ``words`` is a BIP-39 mnemonic whose checksum bits match its entropy."""
    if len(words) not in SEED_LENGTHS:
        return False
    index = _index()
    try:
        bits = "".join(f"{index[w]:011b}" for w in words)
    except KeyError:
        return False
    checksum_bits = len(words) * 11 // 33
    entropy_bits = len(bits) - checksum_bits
    entropy = int(bits[:entropy_bits], 2).to_bytes(entropy_bits // 8, "big")
    digest = f"{hashlib.sha256(entropy).digest()[0]:08b}"
    return bits[entropy_bits:] == digest[:checksum_bits]


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


_WORD = re.compile(r"[A-Za-z]+")
# What may stand between the words of a pasted phrase: spaces, commas, numbering.
_SEED_GAP = re.compile(r"^[\s,;.:|/()\-]*(?:\d{1,2}[.):]?[\s,;]*)?$")
_HEX_KEY = re.compile(r"(?<![0-9A-Za-z])(?:0x)?[0-9a-fA-F]{64}(?![0-9A-Za-z])")
_TX_LABEL = re.compile(
    r"(?:tx\s*id|txid|tx\s*hash|transaction\s*(?:id|hash)|hash|交易哈希|交易\s*id)\s*[:\uff1a=#]?\s*$",
    re.IGNORECASE,
)
_WIF = re.compile(r"(?<![0-9A-Za-z])[5KL][1-9A-HJ-NP-Za-km-z]{50,51}(?![0-9A-Za-z])")
_XPRV = re.compile(r"(?<![0-9A-Za-z])[xyztuvYZ]prv[1-9A-HJ-NP-Za-km-z]{100,112}(?![0-9A-Za-z])")
_PASSWORD = re.compile(
    r"(?:\b(?:pass\s*word|passwd|pwd|passcode|pass\s*phrase|pin(?:\s*code)?)\b"
    r"(?:\s+(?:is|was|=)|\s*[:=\uff1a])\s*[\"'\u201c\u2018]?"
    r"|(?:密码|口令|登录密码|资金密码|交易密码)\s*(?:是|为|[:\uff1a=])?\s*[\"'\u201c\u2018]?)"
    r"(?P<value>[^\s\"'\u201d\u2019\uff0c\u3002,;\uff1b]{3,})",
    re.IGNORECASE,
)


def _seed_findings(text: str) -> list[Finding]:
    index = _index()
    findings: list[Finding] = []
    run: list[re.Match[str]] = []

    def close_run() -> None:
        if len(run) >= MIN_SEED_WORDS:
            words = [m.group().lower() for m in run]
            certain = any(
                valid_mnemonic(words[i : i + n])
                for n in SEED_LENGTHS
                for i in range(len(words) - n + 1)
            )
            findings.append(Finding(SecretKind.SEED_PHRASE, run[0].start(), run[-1].end(), certain))
        run.clear()

    for match in _WORD.finditer(text):
        in_list = match.group().lower() in index
        joined = bool(run) and _SEED_GAP.match(text[run[-1].end() : match.start()]) is not None
        if in_list and (joined or not run):
            run.append(match)
            continue
        close_run()
        if in_list:
            run.append(match)
    close_run()
    return findings


def find_secrets(text: str) -> list[Finding]:
    """Every secret in ``text``, by position; overlapping findings are merged later."""
    findings = _seed_findings(text)
    for match in _HEX_KEY.finditer(text):
        if not _TX_LABEL.search(text[max(0, match.start() - 24) : match.start()]):
            findings.append(Finding(SecretKind.PRIVATE_KEY_HEX, match.start(), match.end()))
    for match in _WIF.finditer(text):
        payload = b58decode_check(match.group())
        if payload is not None and payload[:1] == b"\x80" and len(payload) in (33, 34):
            findings.append(Finding(SecretKind.PRIVATE_KEY_WIF, match.start(), match.end()))
    for match in _XPRV.finditer(text):
        findings.append(Finding(SecretKind.EXTENDED_PRIVATE_KEY, match.start(), match.end()))
    for match in _PASSWORD.finditer(text):
        findings.append(Finding(SecretKind.PASSWORD, match.start("value"), match.end("value")))
    return sorted(findings, key=lambda f: (f.start, -f.end))


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
