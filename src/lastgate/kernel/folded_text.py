"""Text as a secret detector reads it: NFKC-folded (full-width letters, digits and
punctuation become their plain forms: the full-width comma a comma, the ideographic space
a space), invisible characters
(zero-width spaces and joiners, the byte-order mark, soft hyphens, direction marks)
dropped or read as spaces, and each character traced back to where it stood, so that a
finding in the folded text redacts exactly the right span of the original.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

#: Characters a reader does not see, which a pasted secret may carry inside or between words.
INVISIBLE = frozenset(
    "\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064"
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
)


@dataclass(frozen=True, slots=True)
class FoldedText:
    """``text`` folded; ``starts[i]``/``ends[i]``: the span of the original character
    that ``text[i]`` came from."""

    text: str
    starts: Sequence[int]
    ends: Sequence[int]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that the folded ``text[start:end]`` came from."""
        return self.starts[start], self.ends[end - 1]


def fold(text: str, *, invisible_as: str = "") -> FoldedText:
    """``text`` folded, invisible characters dropped (or replaced by ``invisible_as``)."""
    if text.isascii():
        return FoldedText(text, range(len(text)), range(1, len(text) + 1))
    chars = [invisible_as if ch in INVISIBLE else _fold_character(ch) for ch in text]
    if all(len(out) == 1 for out in chars):
        return FoldedText("".join(chars), range(len(text)), range(1, len(text) + 1))
    starts = [i for i, out in enumerate(chars) for _ in out]
    return FoldedText("".join(chars), starts, [i + 1 for i in starts])


@lru_cache(maxsize=8192)
def _fold_character(ch: str) -> str:
    return ch if ch.isascii() else unicodedata.normalize("NFKC", ch)


def has_invisible(text: str) -> bool:
    return not text.isascii() and any(ch in INVISIBLE for ch in text)


@lru_cache(maxsize=65536)
def fold_word(word: str) -> str:
    """The form a word is compared in: NFKC, case-folded, accents off Latin letters
    (customers type ``abaco`` for ``ábaco``, ``i`` for the Turkish dotless i), then composed
    again (Hangul syllables, kana with their voicing marks)."""
    decomposed = unicodedata.normalize("NFKD", marked_word(word)).replace("\u0131", "i")
    kept: list[str] = []
    for ch in decomposed:
        if unicodedata.combining(ch) and kept and kept[-1] < "\u0250":
            continue  # an accent on a Latin letter
        kept.append(ch)
    return unicodedata.normalize("NFC", "".join(kept))


@lru_cache(maxsize=65536)
def marked_word(word: str) -> str:
    """The word NFKC-folded and case-folded, its accents kept (and composed)."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFKC", word).casefold())
