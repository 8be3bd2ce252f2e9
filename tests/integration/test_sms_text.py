"""An SMS carries a short text, not the e-mail: the anti-phishing code and the notice's
own message (its facts and its link), never the subject before it nor the e-mail's
header about what staff never ask for. Delivered to the mailbox, in English and in
Chinese, on both databases."""

from __future__ import annotations

import email
from email.policy import default as email_policy

import pytest

from lastgate.kernel.i18n import translate
from lastgate.kernel.messages import Message
from lastgate.notices.adapters.channels import channels_from_settings
from lastgate.notices.adapters.delivery import deliver_due
from lastgate.notices.model import NEVER_ASK_LINE, TOPICS
from tests.integration.test_delivery import _customer, _notify, _settings

PARAMS = {"ends_at": "2026-12-07T12:00:00+00:00", "cancel_url": "https://close.example/c"}


@pytest.mark.parametrize("language", ["en", "zh_Hans"])
def test_an_sms_is_the_code_and_the_message_alone(engine, clock, tmp_path, language) -> None:
    config = _settings(mailbox_dir=tmp_path)
    _customer(engine, clock, language=language)
    _notify(engine, clock, config, "cooling_off_started", params=PARAMS)

    assert deliver_due(engine, clock, config, channels_from_settings(config)).delivered == 2

    sms = next(tmp_path.glob("*-sms-cooling_off_started-*.txt")).read_text()
    mail = email.message_from_bytes(
        next(tmp_path.glob("*-email-cooling_off_started-*.eml")).read_bytes(),
        policy=email_policy,
    )
    subject = translate(Message(TOPICS["cooling_off_started"].subject), language)
    never_ask = translate(Message(NEVER_ASK_LINE), language)
    assert mail["Subject"] == subject and never_ask in mail.get_content()
    to, blank, code, message, *rest = sms.split("\n")
    assert to.startswith("To: +") and (blank, rest) == ("", [""]), sms
    assert "Blue7Harbor" in code
    assert "https://close.example/c" in message and "2026" in message  # facts and link
    assert subject not in sms and never_ask not in sms
    assert len(sms) < len(mail.get_content())
