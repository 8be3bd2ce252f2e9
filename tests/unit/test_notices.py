"""Customer notices: every topic renders in English and Chinese, behind the anti-phishing code."""

from __future__ import annotations

import pytest

from lastgate.kernel.i18n import ENGLISH, SIMPLIFIED_CHINESE, translate
from lastgate.notices.model import (
    TOPICS,
    InvalidAntiPhishingCode,
    InvalidNotice,
    compose,
    delivery_links,
    render,
    validate_anti_phishing_code,
)

PARAMS = {
    "code": "482913",
    "expires_at": "2026-11-23T12:10:00+00:00",
    "ends_at": "2026-12-07T12:00:00+00:00",
    "added_at": "2026-11-30T12:00:00+00:00",
    "usable_at": "2026-12-07T12:00:00+00:00",
    "cancel_url": "https://close.example/closures/abc/cancel",
    "reasons": "ASSETS_REMAINING, OPEN_ORDERS",
    "reason": "identity documents do not match",
    "appeal_url": "https://close.example/appeals/abc",
    "ticket_ref": "1a2b3c4d",
    "ticket_url": "https://close.example/support/tickets/abc",
    "effective_at": "2026-11-26T12:00:00+00:00",
    "deadline_at": "2027-01-25T00:00:00+00:00",
    "reply_by_at": "2026-12-07T12:00:00+00:00",
    "days_left": "7",
    "selfcheck_url": "https://close.example/web/me",
    "export_url": "https://close.example/web/me/export",
    "support_url": "https://close.example/web/tickets#new",
    "certificate_url": "https://close.example/web/me/closed",
    "closure_url": "https://close.example/web/closure/abc",
    "evidence_kind": "selfie",
    "refusal": "face_not_visible",
    "freeze_left": "closure",
    "secure_url": "https://close.example/web/me/secure",
}
REQUIRED_TOPICS = {
    "verification_code",
    "authenticator_added",
    "closure_submitted",
    "cooling_off_started",
    "cooling_off_reminder",
    "cooling_off_ended",
    "closure_completed",
    "closure_blocked",
    "closure_rejected",
    "closure_cancelled",
    "closure_cancelled_protected",
    "closure_on_hold",
    "account_frozen",
    "account_unfrozen",
    "campaign_announced",
    "campaign_reminder",
    "campaign_action_needed",
    "campaign_closure_started",
    "campaign_cancelled",
    "risk_lock_lifted",
    "risk_lock_appeal_rejected",
    "closure_appeal_upheld",
    "closure_appeal_overturned",
    "legal_hold_lifted",
    "evidence_refused",
    "evidence_accepted",
    "protective_freeze_lifted",
    "own_freeze_lifted",
}


def _rendered(topic: str, language: str, code: str | None = "Blue7Harbor"):
    notice = compose(topic, PARAMS, anti_phishing_code=code, language=language)
    return render(notice, lambda message: translate(message, language))


def test_every_topic_the_workflow_sends_has_a_text() -> None:
    assert set(TOPICS) >= REQUIRED_TOPICS


@pytest.mark.parametrize("topic", sorted(TOPICS))
@pytest.mark.parametrize("language", [ENGLISH, SIMPLIFIED_CHINESE])
def test_a_notice_opens_with_the_anti_phishing_code_and_the_never_ask_line(
    topic: str, language: str
) -> None:
    text = _rendered(topic, language)
    first, second, *_ = text.body.splitlines()
    assert "Blue7Harbor" in first
    assert second.strip()
    assert "{" not in text.body and "{" not in text.subject
    assert text.subject


@pytest.mark.parametrize("topic", sorted(TOPICS))
def test_the_chinese_notice_is_translated(topic: str) -> None:
    english, chinese = _rendered(topic, ENGLISH), _rendered(topic, SIMPLIFIED_CHINESE)
    assert chinese.subject != english.subject
    assert chinese.body != english.body
    assert any("\u4e00" <= ch <= "\u9fff" for ch in chinese.body)


def test_the_english_header_names_the_code_and_what_staff_never_ask_for() -> None:
    lines = _rendered("closure_submitted", ENGLISH).body.splitlines()
    assert lines[0] == "Your anti-phishing code: Blue7Harbor"
    assert "password" in lines[1] and "seed phrase" in lines[1]


def test_the_chinese_header_names_the_code() -> None:
    lines = _rendered("closure_submitted", SIMPLIFIED_CHINESE).body.splitlines()
    assert lines[0] == "您的防钓鱼码\uff1aBlue7Harbor"
    assert "助记词" in lines[1]


def test_without_a_code_the_notice_opens_with_the_never_ask_line() -> None:
    body = _rendered("closure_cancelled", ENGLISH, code=None).body
    assert "anti-phishing" not in body
    assert body.startswith("Our staff will never ask")


@pytest.mark.parametrize("language", [ENGLISH, SIMPLIFIED_CHINESE])
def test_the_risk_lock_approval_leads_on_to_the_self_check(language: str) -> None:
    body = _rendered("risk_lock_lifted", language).body
    assert PARAMS["selfcheck_url"] in body
    assert delivery_links("https://close.example")["selfcheck_url"] == PARAMS["selfcheck_url"]


def test_cooling_off_notice_carries_the_end_date_and_the_cancel_link() -> None:
    body = _rendered("cooling_off_started", ENGLISH).body
    assert "Dec 7, 2026, 12:00 UTC" in body
    assert PARAMS["cancel_url"] in body


def test_the_chinese_notice_dates_in_chinese_and_names_the_blockers_in_words() -> None:
    body = _rendered("cooling_off_started", SIMPLIFIED_CHINESE).body
    assert "2026年12月7日 12:00 UTC" in body
    notice = compose(
        "closure_blocked",
        {"reasons": "DUST_REMAINING, OPEN_ORDERS"},
        anti_phishing_code=None,
        language=SIMPLIFIED_CHINESE,
    )
    blocked = render(notice, lambda message: translate(message, SIMPLIFIED_CHINESE)).body
    assert "仍有小额资产、未成交委托" in blocked and "DUST_REMAINING" not in blocked
    english = compose("closure_blocked", {"reasons": "DUST_REMAINING"}, anti_phishing_code=None)
    assert "Small balances left" in render(english, lambda m: translate(m, ENGLISH)).body


def test_the_verification_code_is_in_the_notice() -> None:
    body = _rendered("verification_code", SIMPLIFIED_CHINESE).body
    assert "482913" in body and "2026年11月23日 12:10 UTC" in body


def test_an_unknown_topic_is_refused() -> None:
    with pytest.raises(InvalidNotice):
        compose("closure_exploded", {}, anti_phishing_code=None)


def test_a_missing_parameter_is_refused() -> None:
    with pytest.raises(InvalidNotice, match="cancel_url"):
        compose("cooling_off_started", {"ends_at": "2026-12-07"}, anti_phishing_code=None)


@pytest.mark.parametrize("code", ["abcd", "Blue7Harbor", "12345678901234567890"])
def test_anti_phishing_codes_of_4_to_20_letters_or_digits_are_accepted(code: str) -> None:
    assert validate_anti_phishing_code(code) == code


@pytest.mark.parametrize("code", ["abc", "x" * 21, "blue harbor", "ab-cd", "<b>hi</b>", ""])
def test_other_anti_phishing_codes_are_refused(code: str) -> None:
    with pytest.raises(InvalidAntiPhishingCode):
        validate_anti_phishing_code(code)


@pytest.mark.parametrize(
    ("language", "typed", "expected"),
    [
        (SIMPLIFIED_CHINESE, "请联系客服。", "请联系客服。"),
        (ENGLISH, "Please contact support. ", "Please contact support. You can"),
    ],
)
def test_a_typed_reason_ends_on_the_templates_full_stop_only(
    language: str, typed: str, expected: str
) -> None:
    params = {"reason": typed, "appeal_url": "https://example.test/appeal"}
    notice = compose("closure_rejected", params, anti_phishing_code=None, language=language)
    body = render(notice, lambda message: translate(message, language)).body
    assert expected in body and "。。" not in body and ".." not in body
