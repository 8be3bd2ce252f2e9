"""The assistant's intent recognition on the labelled questions (tests/assistant_questions.py):
accuracy overall, per language and per intent, every miss, and the time per question.

    .venv/bin/python -m bench.assistant_intents
"""

from __future__ import annotations

import statistics
import time
from collections import Counter

from tests.assistant_questions import EN, QUESTIONS, ZH, measure

from lastgate.desk.model.intents import Intent, recognise


def _timing(rounds: int = 20) -> float:
    """Median microseconds to recognise one question."""
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        for question, _, _ in QUESTIONS:
            recognise(question)
        samples.append((time.perf_counter() - start) / len(QUESTIONS))
    return statistics.median(samples) * 1e6


def main() -> None:
    measured = measure()
    print(
        f"questions: {measured.total} ({sum(q[1] == EN for q in QUESTIONS)} English, "
        f"{sum(q[1] == ZH for q in QUESTIONS)} Chinese)"
    )
    print(f"accuracy: {measured.right}/{measured.total} = {measured.accuracy:.1%}")
    for language in (EN, ZH):
        alone = measure(tuple(q for q in QUESTIONS if q[1] == language))
        print(f"  {language}: {alone.right}/{alone.total} = {alone.accuracy:.1%}")
    expected = Counter(intent for _, _, intent in QUESTIONS)
    missed = Counter(e for _, e, _ in measured.misses)
    print("per intent (right/asked):")
    for intent in Intent:
        asked = expected[intent]
        print(f"  {intent.value:18} {asked - missed[intent]}/{asked}")
    print(f"misses ({len(measured.misses)}): question, expected -> recognised")
    for question, want, got in measured.misses:
        print(f"  {question!r}: {want.value} -> {got.value}")
    wrong = sum(1 for _, _, got in measured.misses if got is not Intent.UNKNOWN)
    print(
        f"  of which a wrong intent: {wrong}; fell back to the overview: "
        f"{len(measured.misses) - wrong}"
    )
    print(f"language detected wrong: {len(measured.language_misses)}")
    print(f"time per question: {_timing():.0f} µs (median of 20 rounds)")


if __name__ == "__main__":
    main()
