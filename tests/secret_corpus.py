"""Real-format secrets for the redaction tests: valid BIP-39 phrases made by python-mnemonic
(every language it ships, every length), written in the ways customers paste them, and
WIF, extended and hex private keys built with hashlib. Deterministic: entropy comes from
a seeded ``random.Random`` or from a label."""

from __future__ import annotations

import hashlib
import json
import random
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache

from mnemonic import Mnemonic

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
STRENGTHS = {12: 128, 15: 160, 18: 192, 21: 224, 24: 256}
CHINESE = ("chinese_simplified", "chinese_traditional")


def entropy(label: str, size: int) -> bytes:
    return hashlib.sha512(label.encode()).digest()[:size]


@cache
def _library(language: str) -> Mnemonic:
    return Mnemonic(language)


def mnemonic(label: str, words: int = 12, language: str = "english") -> str:
    """A BIP-39 mnemonic with a valid checksum, from the label's entropy."""
    return _library(language).to_mnemonic(entropy(label, STRENGTHS[words] // 8))


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
    chinese = mnemonic("chinese", 12, "chinese_simplified")
    pairs.append((f"我的助记词是 {chinese}，请帮我", chinese))  # noqa: RUF001
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


# -- every language, every length, every way of writing a phrase -----------------------


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def _unaccented(word: str) -> str:
    """The word without the accents on its Latin letters, as typed on an English keyboard."""
    kept: list[str] = []
    for c in unicodedata.normalize("NFKD", word):
        if not (unicodedata.combining(c) and kept and kept[-1] < "\u0250"):
            kept.append(c)
    return unicodedata.normalize("NFC", "".join(kept))


def _numbered(template: str, separator: str = " ") -> Callable[[list[str]], str]:
    return lambda words: separator.join(template.format(i=i, w=w) for i, w in enumerate(words, 1))


#: How customers write a phrase down: name → words → text.
FORMATS: dict[str, Callable[[list[str]], str]] = {
    "spaces": " ".join,
    "lines": "\n".join,
    "numbered_dot": _numbered("{i}. {w}", "\n"),
    "numbered_paren": _numbered("{i}) {w}"),
    "numbered_hash": _numbered("#{i} {w}"),
    "numbered_chinese": _numbered("第{i}个{w}"),
    "numbered_dash": _numbered("{i}-{w}"),
    "number_after": _numbered("{w}{i}"),
    "commas": ", ".join,
    "fullwidth_commas": "，".join,  # noqa: RUF001
    "ideographic_commas": "、".join,
    "ideographic_spaces": "\u3000".join,
    "non_breaking_spaces": "\u00a0".join,
    "quoted": lambda words: " ".join(f'"{w}"' for w in words),
    "json_array": lambda words: json.dumps(words, ensure_ascii=False),
    "python_list": str,
    "underscores": "_".join,
    "hyphens": "-".join,
    "zero_width_between": "\u200b".join,
    "zero_width_inside": lambda words: " ".join(w[:1] + "\u200b" + w[1:] for w in words),
    "byte_order_marks": "\ufeff".join,
    "upper_case": lambda words: " ".join(words).upper(),
    "fullwidth_letters": lambda words: _fullwidth(" ".join(words)),
    "unaccented": lambda words: " ".join(_unaccented(w) for w in words),
    "first_four_letters": lambda words: " ".join(w[:4] for w in words),
    "unspaced": "".join,
}

_EVERYWHERE = set(FORMATS) - {"first_four_letters", "unspaced", "unaccented"}


@cache
def four_letter_languages() -> frozenset[str]:
    """Lists whose words are told apart by their first four letters, Latin or Cyrillic."""
    return frozenset(
        language
        for language in Mnemonic.list_languages()
        if len({w[:4] for w in _library(language).wordlist}) == 2048
        and all(w[0] < "\u0530" for w in _library(language).wordlist)
    )


def formats_for(language: str) -> list[str]:
    names = set(_EVERYWHERE)
    if language in four_letter_languages():
        names.add("first_four_letters")
    if language in CHINESE:
        names.add("unspaced")
    if any(_unaccented(w) != w for w in _library(language).wordlist):
        names.add("unaccented")
    return sorted(names)


@dataclass(frozen=True, slots=True)
class PastedPhrase:
    """A valid phrase written one way, inside a customer's message."""

    language: str
    length: int
    format: str
    words: tuple[str, ...]
    message: str
    before: str
    after: str


_WRAPPERS = {
    "en": ("Hello, I need help. My recovery words are: ", " — please restore my wallet."),
    "zh": ("你好，我的钱包打不开了。助记词是：", "。请帮我找回资产，谢谢！"),  # noqa: RUF001
    "zh_glued": ("我的助记词是", "请尽快处理"),
}


def pasted_phrases(seed: int = 39) -> Iterator[PastedPhrase]:
    """Every language python-mnemonic ships, 12/15/18/21/24 words, every format, each
    phrase made by the library from entropy drawn from ``random.Random(seed)``."""
    rng = random.Random(seed)
    for language in sorted(Mnemonic.list_languages()):
        library = _library(language)
        for length, strength in STRENGTHS.items():
            phrase = library.to_mnemonic(rng.randbytes(strength // 8))
            words = tuple(phrase.split(library.delimiter))
            for name in formats_for(language):
                wrappers = ["zh", "zh_glued"] if name == "unspaced" else ["en"]
                if language in CHINESE and name != "unspaced":
                    wrappers = ["zh"]
                for wrapper in wrappers:
                    before, after = _WRAPPERS[wrapper]
                    text = FORMATS[name](list(words))
                    yield PastedPhrase(
                        language, length, name, words, before + text + after, before, after
                    )
