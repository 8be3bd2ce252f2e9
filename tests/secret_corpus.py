"""Real-format secrets made in the test with hashlib: valid BIP-39 mnemonics, WIF and
extended private keys, hex keys. No network, no wallet library."""

from __future__ import annotations

import hashlib

from lastgate.desk.model.redaction import wordlist

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def entropy(label: str, size: int) -> bytes:
    return hashlib.sha512(label.encode()).digest()[:size]


def mnemonic(label: str, words: int = 12) -> str:
    """A BIP-39 mnemonic with a valid checksum, from deterministic entropy."""
    raw = entropy(label, words * 11 * 32 // 33 // 8)
    bits = "".join(f"{b:08b}" for b in raw)
    bits += f"{hashlib.sha256(raw).digest()[0]:08b}"[: len(raw) * 8 // 32]
    return " ".join(wordlist()[int(bits[i : i + 11], 2)] for i in range(0, len(bits), 11))


def b58check(payload: bytes) -> str:
    data = payload + hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    number = int.from_bytes(data, "big")
    out = ""
    while number:
        number, rest = divmod(number, 58)
        out = _B58[rest] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def wif(label: str, compressed: bool = True) -> str:
    return b58check(b"\x80" + entropy(label, 32) + (b"\x01" if compressed else b""))


def xprv(label: str) -> str:
    key = entropy(label, 64)
    return b58check(
        bytes.fromhex("0488ade4")
        + b"\x00"
        + b"\x00" * 4
        + b"\x00" * 4
        + key[32:]
        + b"\x00"
        + key[:32]
    )


def hex_key(label: str) -> str:
    return entropy(label, 32).hex()


def corpus() -> list[tuple[str, str]]:
    """(message, the secret in it) pairs as customers write them."""
    pairs: list[tuple[str, str]] = []
    for n in (12, 15, 18, 21, 24):
        phrase = mnemonic(f"seed-{n}", n)
        pairs.append((f"my seed phrase is {phrase} please help", phrase))
    numbered = mnemonic("numbered", 12).split()
    listed = " ".join(f"{i}. {w}" for i, w in enumerate(numbered, 1))
    pairs.append((f"Here are my words:\n{listed}\nthanks", listed))
    upper = mnemonic("upper", 12).upper()
    pairs.append((f"WORDS: {upper}", upper))
    commas = ", ".join(mnemonic("commas", 24).split())
    pairs.append((f"助记词：{commas}", commas))  # noqa: RUF001
    pairs.append((f"private key {hex_key('k1')} for my wallet", hex_key("k1")))
    pairs.append((f"key=0x{hex_key('k2')}", f"0x{hex_key('k2')}"))
    pairs.append((f"WIF {wif('w1')} compressed", wif("w1")))
    pairs.append((f"old wallet {wif('w2', compressed=False)}", wif("w2", compressed=False)))
    pairs.append((f"backup: {xprv('x1')}", xprv("x1")))
    pairs.append(("my password is Tr0ub4dor&3 can you reset", "Tr0ub4dor&3"))
    pairs.append(("Password: hunter2hunter2", "hunter2hunter2"))
    pairs.append(("我的密码是 Secret-9981，请帮我看看", "Secret-9981"))  # noqa: RUF001
    pairs.append(("登录密码：qwe123456", "qwe123456"))  # noqa: RUF001
    return pairs
