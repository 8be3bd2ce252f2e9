"""Sentences one after another as each language writes them: a space between English
sentences, none between Chinese ones; empty ones are left out."""

from __future__ import annotations

from lastgate.kernel import present
from lastgate.kernel.i18n import ENGLISH, SIMPLIFIED_CHINESE


def test_english_sentences_are_joined_with_a_space() -> None:
    joined = present.sentences(["That code is not valid.", "You have 4 tries left."], ENGLISH)
    assert joined == "That code is not valid. You have 4 tries left."


def test_chinese_sentences_are_joined_with_no_space() -> None:
    joined = present.sentences(["验证码无效。", " 您还有 4 次机会。"], SIMPLIFIED_CHINESE)
    assert joined == "验证码无效。您还有 4 次机会。"


def test_empty_sentences_are_left_out() -> None:
    assert present.sentences(["A.", "", "  ", "B."], ENGLISH) == "A. B."
    assert present.sentences([], SIMPLIFIED_CHINESE) == ""
