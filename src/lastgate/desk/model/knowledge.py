"""A small knowledge base searched with BM25 (Robertson and Zaragoza, 2009).

English text is split into lower-case words; Chinese, which has no spaces, into
overlapping character bigrams (the usual baseline for Chinese retrieval), so that
"注销账户" matches "账户注销" on 账户 without a word segmenter.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_LATIN = re.compile(r"[a-z0-9]+")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
#: Words too common to rank by (English); Chinese bigrams need no list.
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "do",
        "does",
        "for",
        "from",
        "how",
        "i",
        "in",
        "is",
        "it",
        "my",
        "of",
        "on",
        "or",
        "the",
        "to",
        "what",
        "when",
        "where",
        "why",
        "with",
        "you",
        "your",
        "me",
        "we",
        "our",
        "this",
        "that",
    ]
)
K1, B = 1.5, 0.75


def stem(word: str) -> str:
    """A light English stemmer: close, closes, closed, closing → clos."""
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    return word[:-1] if word.endswith("e") and len(word) > 3 else word


def tokens(text: str) -> list[str]:
    """Index terms of ``text``: stemmed English words (no stopwords), Chinese bigrams."""
    lowered = text.lower()
    terms = [stem(w) for w in _LATIN.findall(lowered) if w not in STOPWORDS]
    for run in _CJK.findall(lowered):
        if len(run) == 1:
            terms.append(run)
        terms.extend(run[i : i + 2] for i in range(len(run) - 1))
    return terms


@dataclass(frozen=True, slots=True)
class Article:
    """One help article in one language; ``slug`` is shared by its translations."""

    slug: str
    language: str
    title: str
    body: str

    @property
    def excerpt(self) -> str:
        first = next((p for p in self.body.split("\n\n") if p.strip()), "")
        return first.strip()[:280]


class KnowledgeBase:
    """BM25 over each language's articles; titles count twice."""

    def __init__(self, articles: Iterable[Article]) -> None:
        self.articles = tuple(articles)
        self._terms = [Counter(tokens(a.title) * 2 + tokens(a.body)) for a in self.articles]

    def search(self, query: str, language: str, limit: int = 3) -> list[Article]:
        """The best ``limit`` articles in ``language`` for ``query``, best first; only
        articles sharing at least one term with the query."""
        pool = [i for i, a in enumerate(self.articles) if a.language == language]
        if not pool:
            return []
        lengths = {i: sum(self._terms[i].values()) for i in pool}
        average = sum(lengths.values()) / len(pool)
        wanted = set(tokens(query))
        scores: list[tuple[float, str, int]] = []
        for i in pool:
            score = sum(self._score(term, i, pool, lengths[i], average) for term in wanted)
            if score > 0:
                scores.append((score, self.articles[i].slug, i))
        scores.sort(key=lambda s: (-s[0], s[1]))
        return [self.articles[i] for _, _, i in scores[:limit]]

    def _score(self, term: str, i: int, pool: Sequence[int], length: int, average: float) -> float:
        frequency = self._terms[i][term]
        if not frequency:
            return 0.0
        containing = sum(1 for j in pool if self._terms[j][term])
        idf = math.log(1 + (len(pool) - containing + 0.5) / (containing + 0.5))
        return idf * frequency * (K1 + 1) / (frequency + K1 * (1 - B + B * length / average))
