"""The shipped canned replies say only what is true whenever an agent sends them."""

from __future__ import annotations

from lastgate.closure.pages.ways_forward import NOT_YOU_FREEZE
from lastgate.desk.wiring import canned_replies
from lastgate.kernel.i18n import translations


def test_the_secrets_reply_does_not_claim_a_removal_that_may_not_have_happened() -> None:
    """Agents send it as advice, to messages that held no secret at all: it used to say
    'we removed what looked like a secret from your message' whatever the message was."""
    reply = canned_replies()["never_share_secrets"]
    assert "we removed" not in reply["en"].lower()
    assert "已从您的消息中移除" not in reply["zh_Hans"]
    assert "will never ask" in reply["en"] and "绝不会索要" in reply["zh_Hans"]


def test_every_check_has_a_shipped_reply_and_none_tells_of_an_investigation() -> None:
    """One home for check → reply (``desk.model.canned``): each check that can stop a
    closure names a reply that ships, and no reply, in either language, names what an
    agent may never tell (an AML investigation, compliance's review)."""
    from lastgate.desk.model.canned import REPLY_FOR, REVIEW_REPLY
    from lastgate.eligibility.model.report import SUPPORT_ONLY_CODES, CheckCode

    shipped = canned_replies()
    assert set(CheckCode) - set(REPLY_FOR) == {CheckCode.SUPPORT_REQUIRED}
    assert set(REPLY_FOR.values()) <= set(shipped)
    assert {REPLY_FOR[code] for code in SUPPORT_ONLY_CODES} == {REVIEW_REPLY}
    for reply in shipped.values():
        english = reply["en"].lower()
        assert not any(word in english for word in ("aml", "investigat", "complian", "launder"))
        assert not any(word in reply["zh_Hans"] for word in ("洗钱", "调查", "合规"))


def test_a_reply_that_says_freeze_names_the_button_the_self_check_shows() -> None:
    """The freeze for a suspected takeover is on the self-check's cooldown card (and
    /web/me/secure), not in the settings: the reply names that button, in its words."""
    reply = canned_replies()["security_cooldown"]
    zh = translations("zh_Hans").gettext(NOT_YOU_FREEZE)
    assert NOT_YOU_FREEZE in reply["en"] and zh in reply["zh_Hans"]
    assert "settings" not in reply["en"] and "设置中冻结" not in reply["zh_Hans"]


def test_the_deposit_reply_does_not_tell_a_small_deposit_to_be_withdrawn() -> None:
    """A deposit that lands as a small balance is converted or given up, not withdrawn:
    the reply leads to the self-check, which says which (``DEPOSIT_PENDING``'s card)."""
    reply = canned_replies()["deposit_on_its_way"]
    assert "small balance" in reply["en"] and "give it up" in reply["en"]
    assert "小额资产" in reply["zh_Hans"]
