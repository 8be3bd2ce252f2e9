"""What the customer asks the assistant: one intent per question, recognised by phrase
patterns in English and Chinese with a scoring rule, and the question's language.

Deterministic and dependency-free. Text is normalised with NFKC (full-width letters and
digits become ASCII, full-width punctuation plain) and lower-cased. A pattern is terms
joined by ``+``, all of which must occur; a term is alternatives joined by ``|``. A
Chinese alternative (it holds a CJK character) matches as a substring of the question
with its spaces removed, since Chinese has no spaces. An English alternative is a phrase
of words, each lightly stemmed, matching the question's words in order with at most two
words between them; a misspelt word of five letters or more is read as the nearest pattern
word one edit away (two for eight letters or more; among equals the first alphabetically).
An intent scores the sum of the weights of its patterns that match; the best score of at
least ``THRESHOLD`` wins, a tie going to the intent listed first; below it, ``UNKNOWN``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from lastgate.desk.model.intent_patterns import COMMON_WORDS, PATTERNS, ZH_VARIANTS
from lastgate.desk.model.knowledge import stem
from lastgate.kernel.i18n import ENGLISH, SIMPLIFIED_CHINESE


class Intent(StrEnum):
    """What a question is about; the values are on the API, never renamed."""

    SUSPECTED_TAKEOVER = "suspected_takeover"
    SECURITY_COOLDOWN = "security_cooldown"
    LOST_CREDENTIALS = "lost_credentials"
    DUST = "dust"
    TRANSFER_PENDING = "transfer_pending"
    FROZEN = "frozen"
    APPEAL = "appeal"
    CLOSURE_STATUS = "closure_status"
    CLOSURE_BLOCKERS = "closure_blockers"
    CLOSURE_HOW = "closure_how"
    DATA = "data"
    FEES = "fees"
    BALANCES = "balances"
    OFFICIAL = "official"
    HUMAN = "human"
    UNKNOWN = "unknown"


THRESHOLD = 2
#: Words between two words of an English phrase, at most ("lost my old phone").
MAX_GAP = 2
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[a-z0-9]+")
_LETTERS = re.compile(r"[a-z]+")
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """NFKC, lower case, apostrophes dropped (``can't`` → ``cant``), Chinese variants and
    slips in the patterns' forms (``ZH_VARIANTS``)."""
    folded = unicodedata.normalize("NFKC", text).lower().replace("'", "").replace("\u2019", "")
    for written, usual in ZH_VARIANTS.items():
        folded = folded.replace(written, usual)
    return folded


def detect_language(text: str, default: str) -> str:
    """``zh_Hans`` when Chinese characters are at least as many as English words,
    ``en`` when there are English words and no more Chinese characters, else
    ``default`` (digits, emoji, an empty question)."""
    folded = normalise(text)
    chinese = len(_CJK.findall(folded))
    english = sum(1 for w in _WORD.findall(folded) if _LETTERS.fullmatch(w))
    if chinese and chinese >= english:
        return SIMPLIFIED_CHINESE
    if english:
        return ENGLISH
    return default


@dataclass(frozen=True, slots=True)
class _Alternative:
    chinese: str  # matched as a substring, when set
    words: tuple[str, ...]  # else: stemmed words in order


@dataclass(frozen=True, slots=True)
class _Pattern:
    terms: tuple[tuple[_Alternative, ...], ...]
    weight: int


def _alternative(text: str) -> _Alternative:
    text = normalise(text).strip()
    if _CJK.search(text):
        return _Alternative(_SPACE.sub("", text), ())
    return _Alternative("", tuple(stem(w) for w in _WORD.findall(text)))


def _compile(source: str, weight: int) -> _Pattern:
    terms = tuple(
        tuple(_alternative(alt) for alt in term.split("|") if alt.strip())
        for term in source.split("+")
    )
    return _Pattern(terms, weight)


_COMPILED: dict[Intent, tuple[_Pattern, ...]] = {
    Intent(name): tuple(_compile(source, weight) for source, weight in patterns)
    for name, patterns in PATTERNS.items()
}
_VOCABULARY = frozenset(
    word
    for patterns in _COMPILED.values()
    for p in patterns
    for term in p.terms
    for alt in term
    for word in alt.words
)
_BY_NAME = tuple(sorted(_VOCABULARY))
_KEEP = frozenset(stem(w) for w in COMMON_WORDS)


def _distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (Damerau-Levenshtein with adjacent
    transpositions), or ``limit + 1`` once it is sure to exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return previous[-1]


@lru_cache(maxsize=4096)
def _corrected(word: str) -> str:
    """``word``, or the one pattern word a typo away from it."""
    if word in _VOCABULARY or word in _KEEP or len(word) < 5 or not word.isalpha():
        return word
    limit = 2 if len(word) >= 8 else 1
    near = [(d, v) for v in _BY_NAME if (d := _distance(word, v, limit)) <= limit]
    if not near:
        return word
    return min(near)[1]  # the nearest; among equals, the first in alphabetical order


@dataclass(frozen=True, slots=True)
class _Question:
    flat: str  # normalised, without spaces: for Chinese substrings
    words: tuple[str, ...]  # stemmed and spell-corrected English words
    present: frozenset[str]  # the same, for a quick "not there"


def _read(question: str) -> _Question:
    folded = normalise(question)
    words = tuple(_corrected(stem(w)) for w in _WORD.findall(folded))
    return _Question(_SPACE.sub("", folded), words, frozenset(words))


def _phrase_at(words: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    for start, word in enumerate(words):
        if word != phrase[0]:
            continue
        at, found = start, True
        for wanted in phrase[1:]:
            window = words[at + 1 : at + 2 + MAX_GAP]
            if wanted not in window:
                found = False
                break
            at = at + 1 + window.index(wanted)
        if found:
            return True
    return False


def _matches(alt: _Alternative, q: _Question) -> bool:
    if alt.chinese:
        return alt.chinese in q.flat
    if not alt.words or not q.present.issuperset(alt.words):
        return False
    return _phrase_at(q.words, alt.words)


@dataclass(frozen=True, slots=True)
class Recognised:
    """The intent chosen and every intent's score, for explaining a choice."""

    intent: Intent
    scores: dict[Intent, int]


def recognise(question: str) -> Recognised:
    """The intent of ``question`` (``UNKNOWN`` when none scores ``THRESHOLD``)."""
    q = _read(question)
    scores = {
        intent: sum(
            p.weight for p in patterns if all(any(_matches(a, q) for a in t) for t in p.terms)
        )
        for intent, patterns in _COMPILED.items()
    }
    best = max(scores.values(), default=0)
    if best < THRESHOLD:
        return Recognised(Intent.UNKNOWN, scores)
    chosen = next(i for i in Intent if scores.get(i) == best)
    return Recognised(chosen, scores)
