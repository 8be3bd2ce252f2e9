# ruff: noqa: RUF001 - full-width letters and punctuation are what these tests feed in
"""The assistant's intent recognition: accuracy on the labelled questions (at least 90 %,
in each language too), the question's language, and the rules behind them (NFKC,
Chinese without spaces, typos, the threshold, ties)."""

from __future__ import annotations

import pytest

from lastgate.desk.model.intents import THRESHOLD, Intent, detect_language, normalise, recognise
from tests.assistant_questions import EN, PAIRS, QUESTIONS, ZH, measure

TARGET = 0.90


def test_the_labelled_set_is_big_enough_half_english_half_chinese_and_covers_every_intent():
    assert len(QUESTIONS) >= 40
    english = [q for q in QUESTIONS if q[1] == EN]
    chinese = [q for q in QUESTIONS if q[1] == ZH]
    assert len(english) == len(chinese)
    for language in (english, chinese):
        assert {intent for _, _, intent in language} == set(Intent)


def test_the_intent_of_at_least_nine_questions_in_ten_is_recognised(capsys) -> None:
    measured = measure()
    with capsys.disabled():  # the figure the report quotes
        print(f"\nassistant intents: {measured.right}/{measured.total} = {measured.accuracy:.1%}")
        for question, expected, got in measured.misses:
            print(f"  miss: {question!r}: {expected.value} -> {got.value}")
    assert measured.accuracy >= TARGET
    for language in (EN, ZH):
        alone = measure(tuple(q for q in QUESTIONS if q[1] == language))
        assert alone.accuracy >= TARGET, language


def test_every_labelled_question_is_answered_in_its_own_language() -> None:
    assert measure().language_misses == ()


def test_the_measure_counts_a_wrong_label_as_a_miss() -> None:
    wrong = (("what is dust?", EN, Intent.FEES), ("我的账户被冻结了怎么办", ZH, Intent.FROZEN))
    measured = measure(wrong)
    assert (measured.right, measured.total) == (1, 2)
    assert measured.misses == (("what is dust?", Intent.FEES, Intent.DUST),)


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("ＷＨＡＴ ＩＳ ＤＵＳＴ？", Intent.DUST),  # full-width letters, as some IMEs type them
        ("我的２ＦＡ丢了", Intent.LOST_CREDENTIALS),
        ("我的账户被 冻 结 了", Intent.FROZEN),  # spaces inside a Chinese word
        ("帳戶被凍結", Intent.FROZEN),  # traditional characters
        ("怎么注消账户", Intent.CLOSURE_HOW),  # 注消: the pinyin slip for 注销
        ("my depsoit hasnt arrived", Intent.TRANSFER_PENDING),  # a swapped pair of letters
        ("I lost my authenticater", Intent.LOST_CREDENTIALS),
    ],
)
def test_what_customers_really_type_is_read_as_they_meant_it(question, intent) -> None:
    assert recognise(question).intent is intent


def test_nfkc_folds_full_width_text_and_apostrophes() -> None:
    assert normalise("Ｉ ｃａｎ’ｔ") == "i cant"
    assert normalise("註銷帳戶") == "注销账户"


def test_an_ordinary_word_is_not_taken_for_a_typo_of_a_pattern_word() -> None:
    # "stuff" is one letter from "staff" and "found" from "fund": neither is corrected.
    assert recognise("where did I put that stuff I found").intent is Intent.UNKNOWN


def test_below_the_threshold_the_question_is_not_recognised() -> None:
    weak = recognise("support")  # a hint of one intent, not a question about it
    assert 0 < weak.scores[Intent.HUMAN] < THRESHOLD
    assert weak.intent is Intent.UNKNOWN


def test_a_tie_goes_to_the_intent_listed_first() -> None:
    tied = recognise("frozen, talk to")
    assert tied.scores[Intent.FROZEN] == tied.scores[Intent.HUMAN] >= THRESHOLD
    assert tied.intent is Intent.FROZEN


@pytest.mark.parametrize(
    ("question", "default", "language"),
    [
        ("why is my account frozen", ZH, EN),
        ("我的账户被冻结了", EN, ZH),
        ("how do I 注销 my account", ZH, EN),
        ("我的 deposit 还没到", EN, ZH),
        ("2FA？？", ZH, ZH),  # nothing to tell by: the reader's language
        ("123", EN, EN),
    ],
)
def test_the_question_decides_the_language_else_the_reader(question, default, language) -> None:
    assert detect_language(question, default) == language


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        # Someone else changed a factor: a suspected takeover, never a lost phone.
        ("someone else changed my 2FA", Intent.SUSPECTED_TAKEOVER),
        ("I didn't change my password", Intent.SUSPECTED_TAKEOVER),
        ("someone changed my authenticator and now I'm locked out", Intent.SUSPECTED_TAKEOVER),
        ("有人改了我的二次验证", Intent.SUSPECTED_TAKEOVER),
        ("我没有修改过密码", Intent.SUSPECTED_TAKEOVER),
        # A change of their own that now blocks closing: the security cooldown.
        ("I got a new phone, why am I blocked", Intent.SECURITY_COOLDOWN),
        ("安全冷静期是什么", Intent.SECURITY_COOLDOWN),  # not the closure's cooling-off
        ("换了新手机，为什么不能注销", Intent.SECURITY_COOLDOWN),
        # Still a lost factor or password, though the words are near.
        ("I forgot my password, never got the reset email", Intent.LOST_CREDENTIALS),
        ("I changed my phone, can someone help me log in", Intent.LOST_CREDENTIALS),
        ("i got a new phone and my authenticator is gone", Intent.LOST_CREDENTIALS),
        ("冷静期是什么意思", Intent.CLOSURE_HOW),
    ],
)
def test_someone_else_s_change_and_the_cooldown_are_told_from_a_lost_factor(
    question, intent
) -> None:
    assert recognise(question).intent is intent


@pytest.mark.parametrize(("english", "chinese", "intent"), PAIRS)
def test_the_same_question_gets_the_same_intent_in_either_language(
    english, chinese, intent
) -> None:
    assert (recognise(english).intent, recognise(chinese).intent) == (intent, intent)
