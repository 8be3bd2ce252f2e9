"""A hand-off's title: one line, no invisible characters, at most ``TITLE_LENGTH``, cut
after a whole word (Chinese anywhere); a plain request for a person is no title; then the
customer's own first blocker; then the fixed title. And a transcript kept before answers
were recorded as shown loses its link to the API when read back."""

from __future__ import annotations

from types import SimpleNamespace

from lastgate.desk.model.titles import (
    HANDOFF_SUBJECT,
    TITLE_LENGTH,
    handoff_title,
    one_line,
    shorten,
)
from lastgate.eligibility.model.report import CheckCode

NOTHING = SimpleNamespace(blockers=())


def test_a_title_is_one_line_without_invisible_characters() -> None:
    assert one_line(" My\r\nwithdrawal\t\tis\x85late\u200b!\u202e ") == "My withdrawal is late!"


def test_a_long_question_is_cut_after_a_word() -> None:
    question = "Why " + " ".join(["blocked"] * 30)
    title = shorten(question)
    assert len(title) <= TITLE_LENGTH and title.endswith("blocked…")
    assert shorten("为什么" * 40) == "为什么" * 26 + "为…"
    assert len(shorten("为什么" * 40)) == TITLE_LENGTH
    assert shorten("short") == "short"


def test_the_last_question_that_asks_something_is_the_title() -> None:
    lines = ["Why can't I close my account?", "转人工", "talk to a person"]
    assert handoff_title(lines, NOTHING) == "Why can't I close my account?"
    assert handoff_title(["提现还没到", "转人工"], NOTHING) == "提现还没到"


def test_without_a_question_the_first_blocker_then_the_fixed_title() -> None:
    blocked = SimpleNamespace(blockers=(SimpleNamespace(code=CheckCode.SUPPORT_REQUIRED),))
    assert handoff_title(["talk to a person"], blocked) == "Our support team must help"
    assert handoff_title([], NOTHING) == HANDOFF_SUBJECT
    assert handoff_title(["  \n\u200b "], NOTHING) == HANDOFF_SUBJECT


def test_a_transcript_kept_before_shows_no_link_to_the_api() -> None:
    from lastgate.desk.service.conversation import without_api_links

    api = "https://close.example/v1/"
    old = "0.25 BTC remains.\nA person can help with this: https://close.example/v1/accounts/U1/assistant/handoff"
    assert without_api_links(old, api) == "0.25 BTC remains.\nA person can help with this:"
    assert (
        without_api_links("See https://close.example/web/me", api)
        == "See https://close.example/web/me"
    )
