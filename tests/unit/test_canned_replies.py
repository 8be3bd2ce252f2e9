"""The shipped canned replies say only what is true whenever an agent sends them."""

from __future__ import annotations

from lastgate.desk.wiring import canned_replies


def test_the_secrets_reply_does_not_claim_a_removal_that_may_not_have_happened() -> None:
    """Agents send it as advice, to messages that held no secret at all: it used to say
    'we removed what looked like a secret from your message' whatever the message was."""
    reply = canned_replies()["never_share_secrets"]
    assert "we removed" not in reply["en"].lower()
    assert "已从您的消息中移除" not in reply["zh_Hans"]
    assert "will never ask" in reply["en"] and "绝不会索要" in reply["zh_Hans"]
