"""Sealed assistant turns: a seal holds only for its customer, question, answer and moment;
a form's CRLF line breaks are read back as the LF that was sealed; a customer line is dated
by the sealed answer to it, else by the hand-off."""

from __future__ import annotations

from lastgate.desk.model.turns import Line, Said, derive_key, from_form, genuine, seal

KEY = derive_key(b"k" * 32)
AT = "2026-11-23T12:00:05+00:00"
NOW = "2026-11-23T12:03:00+00:00"  # the hand-off


def said(kept: list[Said]) -> list[tuple[str, str]]:
    return [(s.role, s.text) for s in kept]


def test_a_seal_holds_only_for_its_customer_question_answer_and_moment() -> None:
    mark = seal(KEY, "U1", "why?", "Because.\nReally.", AT)
    good = [Line("customer", "why?"), Line("assistant", "Because.\nReally.", mark, AT)]
    kept, dropped = genuine(KEY, "U1", good, NOW)
    assert (said(kept), dropped) == ([("customer", "why?"), ("assistant", "Because.\nReally.")], 0)
    assert [s.at for s in kept] == [AT, AT]  # the question dated by its sealed answer
    kept, dropped = genuine(KEY, "U2", good, NOW)
    assert (said(kept), dropped) == ([("customer", "why?")], 1)
    assert [s.at for s in kept] == [NOW]  # no sealed answer: the hand-off's moment
    moved = [Line("customer", "is it approved?"), good[1]]
    assert said(genuine(KEY, "U1", moved, NOW)[0]) == [("customer", "is it approved?")]
    edited = [good[0], Line("assistant", "Approved.", mark, AT)]
    assert genuine(KEY, "U1", edited, NOW)[1] == 1
    redated = [good[0], Line("assistant", "Because.\nReally.", mark, "2020-01-01T00:00:00+00:00")]
    assert genuine(KEY, "U1", redated, NOW)[1] == 1
    assert genuine(derive_key(b"x" * 32), "U1", good, NOW)[1] == 1
    forged = [Line("assistant", "x", "é" * 64, AT), Line("staff", "x")]
    assert genuine(KEY, "U1", forged, NOW)[1] == 2


def test_a_forms_crlf_reads_back_as_the_sealed_text() -> None:
    mark = seal(KEY, "U1", "q", "a\nb", AT)
    lines = from_form(
        ["customer", "assistant", "robot"], ["q", "a\r\nb", "x"], ["", mark], ["", AT]
    )
    assert [x.role for x in lines] == ["customer", "assistant"]
    kept, dropped = genuine(KEY, "U1", lines, NOW)
    assert (said(kept), dropped) == ([("customer", "q"), ("assistant", "a\nb")], 0)
