"""What an SMS says: a short text, not the e-mail. The anti-phishing code, so that a
forged text is easy to spot, then the notice's own message (its facts and its link);
neither the subject, which the message says again in other words, nor the e-mail's
header about what staff never ask for. A text message has no subject line."""

from __future__ import annotations

from collections.abc import Callable

from lastgate.kernel.messages import Message
from lastgate.notices.model import ANTI_PHISHING_LINE, Notice


def sms_text(notice: Notice, translate: Callable[[Message], str]) -> str:
    """``notice`` as an SMS: the anti-phishing code's line when the customer set one, then
    the message, one line each."""
    *header, message = notice.lines
    lines = [line for line in header if line.msgid == ANTI_PHISHING_LINE]
    return "\n".join(translate(line).strip() for line in (*lines, message)) + "\n"
