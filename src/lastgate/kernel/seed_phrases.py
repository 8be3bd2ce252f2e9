"""BIP-39 seed phrases in every language python-mnemonic ships, however a customer types them.

A phrase is a run of 12 or more words of one word list, with nothing between them but
separators: spaces (ideographic too), commas (ASCII, full-width, ideographic), quotes
and brackets (a JSON array), underscores, hyphens, dots, and numbering (``1.`` ``1)``
``#1`` ``1-`` ``第1个`` or a number after the word). In the lists whose words are told
apart by their first four letters (English, Spanish, French, Italian, Czech, Portuguese,
Russian, Turkish), those four letters stand for the word: a run of them is a complete
seed.

Chinese words are single characters, and Chinese prose is written mostly with the very
characters of the Chinese lists (they are the 2048 most frequent, in order of
frequency). So spaced characters are read like words of other lists, but characters
written together count only as a window of 12, 15, 18, 21 or 24 whose checksum holds
and which is as rare as random draws from the list, not as common as prose.

A run is *certain* when a window of it has a valid checksum.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cache

from mnemonic import Mnemonic

from lastgate.kernel.folded_text import fold_word, marked_word

MIN_SEED_WORDS = 12
SEED_LENGTHS = (12, 15, 18, 21, 24)
PREFIX_LETTERS = 4
_MAX_GAP = 16

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"(?P<han>[{_HAN}])|(?P<word>(?:[^\W\d_{_HAN}]|[\u0300-\u036f\u3099\u309a])+)")
# Numbering written with characters that are themselves words of the Chinese lists.
_NUMBERING = re.compile(r"第\s*\d{1,2}\s*[个個]?")
_GAP_PUNCTUATION = frozenset(
    ",;:.|/\\()[]{}<>-_+*#='\"`~!?\u201c\u201d\u2018\u2019\u300c\u300d\u300e\u300f"
    "\u3010\u3011\u300a\u300b\u3001\u00b7\u2022"
)


@dataclass(frozen=True, slots=True)
class WordList:
    """One language's 2048 words, in their order (a word's position is its 11 bits)."""

    language: str
    words: tuple[str, ...]
    single_characters: bool


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Every list, looked up at once: a folded word (or a first four letters, in the
    lists where they are unambiguous) → {list number: position in that list}."""

    lists: tuple[WordList, ...]
    words: dict[str, dict[int, int]]
    prefixes: dict[str, dict[int, int]]

    def lookup(self, token: Token) -> dict[int, int]:
        found = self.words.get(token.key, {})
        if len(token.marked) == PREFIX_LETTERS:
            prefixed = {**self.prefixes.get(token.key, {}), **self.prefixes.get(token.marked, {})}
            if prefixed:
                found = {**prefixed, **found}
        return found


@cache
def lexicon() -> Lexicon:
    """Every list python-mnemonic ships, in a stable order."""
    lists: list[WordList] = []
    words: dict[str, dict[int, int]] = {}
    prefixes: dict[str, dict[int, int]] = {}
    for number, language in enumerate(sorted(Mnemonic.list_languages())):
        listed = tuple(Mnemonic(language).wordlist)
        folded = [fold_word(w) for w in listed]
        if len(set(folded)) != len(listed):
            raise RuntimeError(f"the {language} word list has words that fold alike")
        lists.append(WordList(language, listed, all(len(w) == 1 for w in folded)))
        for position, word in enumerate(folded):
            words.setdefault(word, {})[number] = position
        for head, position in _heads(listed, folded).items():
            prefixes.setdefault(head, {})[number] = position
    return Lexicon(tuple(lists), words, prefixes)


def _heads(listed: tuple[str, ...], folded: list[str]) -> dict[str, int]:
    """First four letters → position, for a Latin or Cyrillic list in which they tell the
    words apart: without accents if that suffices (French, Spanish), else with (Turkish)."""
    if not all(w[0] < "\u0530" for w in folded):  # BIP-39's four-letter rule is theirs
        return {}
    for forms in (folded, [marked_word(w) for w in listed]):
        heads = [w[:PREFIX_LETTERS] for w in forms]
        if len(set(heads)) == len(heads):
            return {h: i for i, (h, w) in enumerate(zip(heads, forms, strict=True)) if h != w}
    return {}


def valid_checksum(indices: Sequence[int]) -> bool:
    """True when the words at ``indices`` are a BIP-39 mnemonic whose checksum bits match
    its entropy. (python-mnemonic's own ``check`` looks each word up by NFKD form and so
    refuses most Russian and Turkish phrases; this reads the list positions.)"""
    if len(indices) not in SEED_LENGTHS:
        return False
    number = 0
    for i in indices:
        number = (number << 11) | i
    checksum_bits = len(indices) * 11 // 33
    entropy_bits = len(indices) * 11 - checksum_bits
    entropy = (number >> checksum_bits).to_bytes(entropy_bits // 8, "big")
    expected = hashlib.sha256(entropy).digest()[0] >> (8 - checksum_bits)
    return number & ((1 << checksum_bits) - 1) == expected


@dataclass(frozen=True, slots=True)
class Token:
    start: int
    end: int
    key: str  # folded: no case, no accents
    marked: str  # no case, accents kept
    joined: bool  # nothing at all between it and the token before
    gap_ok: bool  # only separators between it and the token before
    blank_gap: bool  # nothing, or only spaces, between it and the token before
    glued_next: bool = False  # nothing at all between it and the token after


@dataclass(frozen=True, slots=True)
class SeedSpan:
    start: int
    end: int
    certain: bool


def tokens(text: str) -> list[Token]:
    """The words of ``text`` (each Chinese character one word), with what separates them."""
    plain = _NUMBERING.sub(lambda m: " " * len(m.group()), text)
    found: list[Token] = []
    last = 0
    for match in _TOKEN.finditer(plain):
        gap = plain[last : match.start()]
        joined = bool(found) and not gap
        if joined:
            found[-1] = replace(found[-1], glued_next=True)
        word = match.group()
        han = match.lastgroup == "han"
        found.append(
            Token(
                match.start(),
                match.end(),
                word if han else fold_word(word),
                word if han else marked_word(word),
                joined=joined,
                gap_ok=len(gap) <= _MAX_GAP and all(_is_separator(c) for c in gap),
                blank_gap=len(gap) <= _MAX_GAP and (not gap or gap.isspace()),
            )
        )
        last = match.end()
    return found


def _is_separator(ch: str) -> bool:
    return ch.isspace() or ch.isdigit() or ch in _GAP_PUNCTUATION


def find_seed_phrases(text: str) -> list[SeedSpan]:
    """Every seed phrase in ``text`` (already folded), in any language."""
    words = tokens(text)
    known = lexicon()
    hits = [known.lookup(token) for token in words]
    counts: dict[int, int] = {}
    for hit in hits:
        for number in hit:
            counts[number] = counts.get(number, 0) + 1
    spans: list[SeedSpan] = []
    for number, count in counts.items():
        if count >= MIN_SEED_WORDS:
            word_list = known.lists[number]
            for run in _runs(words, [hit.get(number) for hit in hits]):
                spans.extend(_judge(run, word_list))
    return spans


def _runs(words: list[Token], positions: list[int | None]) -> Iterator[list[tuple[Token, int]]]:
    """Maximal runs of words of one list with only separators between them."""
    run: list[tuple[Token, int]] = []
    for token, position in zip(words, positions, strict=True):
        if position is not None and run and token.gap_ok:
            run.append((token, position))
            continue
        if len(run) >= MIN_SEED_WORDS:
            yield run
        run = [(token, position)] if position is not None else []
    if len(run) >= MIN_SEED_WORDS:
        yield run


def _judge(run: list[tuple[Token, int]], word_list: WordList) -> Iterator[SeedSpan]:
    if not word_list.single_characters:
        yield _span(run, certain=_has_valid_window(run))
        return
    for spaced in _spaced_parts(run):
        yield _span(spaced, certain=_has_valid_window(spaced))
    yield from _random_windows(run)


def _span(run: list[tuple[Token, int]], *, certain: bool) -> SeedSpan:
    return SeedSpan(run[0][0].start, run[-1][0].end, certain)


def _has_valid_window(run: list[tuple[Token, int]]) -> bool:
    positions = [p for _, p in run]
    return any(
        valid_checksum(positions[i : i + n])
        for n in SEED_LENGTHS
        for i in range(len(positions) - n + 1)
    )


def _spaced_parts(run: list[tuple[Token, int]]) -> Iterator[list[tuple[Token, int]]]:
    """The parts of a run of characters where each is set apart from the next."""
    part: list[tuple[Token, int]] = []
    for item in run:
        if part and item[0].joined:
            yield from _trimmed(part)
            part = []
        part.append(item)
    yield from _trimmed(part)


def _trimmed(part: list[tuple[Token, int]]) -> Iterator[list[tuple[Token, int]]]:
    """A spaced part whose end is glued to a character outside it: that character is
    prose (``助记词: 的 一 是…`` begins at ``的``), not a word of the seed."""
    if part and part[0][0].joined:
        part = part[1:]
    if part and part[-1][0].glued_next:
        part = part[:-1]
    if len(part) >= MIN_SEED_WORDS:
        yield part


def _random_windows(run: list[tuple[Token, int]]) -> Iterator[SeedSpan]:
    """Windows of characters written together (or with spaces only: punctuation is
    prose's) whose checksum holds and which look like random draws, not prose."""
    piece: list[tuple[Token, int]] = []
    for item in [*run, None]:
        if item is not None and (not piece or item[0].blank_gap):
            piece.append(item)
            continue
        positions = [p for _, p in piece]
        for n in SEED_LENGTHS:
            for i in range(len(positions) - n + 1):
                window = positions[i : i + n]
                if valid_checksum(window) and _prose_likelihood(window) < PROSE_THRESHOLD:
                    yield SeedSpan(piece[i][0].start, piece[i + n - 1][0].end, True)
        piece = [item] if item is not None else []


@cache
def _zipf_norm() -> float:
    return sum(1 / (rank + _ZIPF_SHIFT) for rank in range(2048))


# Chinese character frequencies follow Zipf's law with this shift closely (the top 10
# characters make 13 % of running text, the top 100 45 %, the top 1000 87 %).
_ZIPF_SHIFT = 10
# Prose repeats its words (申请…申诉); 12 random draws from 2048 rarely repeat one.
_REPEAT_WEIGHT = 2.0
#: Below this log-likelihood ratio, characters are taken for random draws, not prose:
#: 2 % of 12-character seeds are missed, about 1 in 500 windows of real prose passes
#: (and then needs a valid checksum, 1 in 16).
PROSE_THRESHOLD = -1.0


def _prose_likelihood(positions: Sequence[int]) -> float:
    """Log-likelihood ratio of ``positions`` (list ranks, most frequent first) being prose,
    whose characters follow Zipf's law and repeat, rather than uniform random draws:
    positive for prose, negative for a seed."""
    norm = _zipf_norm()
    ratio = sum(math.log(2048 / ((rank + _ZIPF_SHIFT) * norm)) for rank in positions)
    return ratio + _REPEAT_WEIGHT * (len(positions) - len(set(positions)))
