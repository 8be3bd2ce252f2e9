"""Channel adapters for the outbox: a mailbox directory, SMTP, and signed webhooks.

``channels_from_settings`` picks them: with ``mailbox_dir`` set, e-mail and SMS are
written there (the demo's mailbox, and the only SMS channel lastgate ships); otherwise
e-mail goes out over SMTP when ``smtp_host`` is set. Webhooks always go to the URL their
outbox row names, signed with ``webhook_secret``.
"""

from __future__ import annotations

import functools
import os
import smtplib
import ssl
import tempfile
from email import policy
from email.headerregistry import BaseHeader, HeaderRegistry
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import httpx

from lastgate import __version__
from lastgate.kernel.settings import Settings
from lastgate.notices.adapters.delivery import (
    EMAIL,
    Channels,
    CustomerMessage,
    DeliveryFailed,
    WebhookEvent,
)
from lastgate.notices.adapters.webhook_signature import EVENT_ID_HEADER, SIGNATURE_HEADER, sign

WEBHOOK_TIMEOUT_SECONDS = 10.0
SMTP_TIMEOUT_SECONDS = 30.0
_MESSAGE_ID_DOMAIN = "lastgate.invalid"


class _HeaderClasses(HeaderRegistry):
    """The standard header registry, each header's class made once: the stock one makes
    a new class for every header of every message, a sixth of building an e-mail."""

    @functools.cache  # noqa: B019 - one registry, kept for the process
    def __getitem__(self, name: str) -> type[BaseHeader]:
        made: type[BaseHeader] = super().__getitem__(name)
        return made


#: ``email.policy.default``, with its header classes made once.
_POLICY = policy.default.clone(header_factory=_HeaderClasses())


def build_email(message: CustomerMessage, mail_from: str) -> EmailMessage:
    """The e-mail of a notice; its Message-ID is stable, so a resend can be recognised."""
    email = EmailMessage(policy=_POLICY)
    email["From"] = mail_from
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = format_datetime(message.created_at)
    email["Message-ID"] = f"<{message.id}@{_MESSAGE_ID_DOMAIN}>"
    email["X-Lastgate-Topic"] = message.topic
    email.set_content(message.body)
    # After set_content, which drops any Content-* header set before it.
    email["Content-Language"] = message.language.replace("_", "-")
    return email


class MailboxChannel:
    """Writes each notice to a directory: ``.eml`` for e-mail, ``.txt`` for SMS.

    A resend of the same outbox row overwrites its own file, so the mailbox never shows
    a notice twice.
    """

    def __init__(self, directory: Path, *, mail_from: str = "lastgate") -> None:
        self.directory = Path(directory)
        self._mail_from = mail_from

    def path_for(self, message: CustomerMessage) -> Path:
        stamp = message.created_at.strftime("%Y%m%dT%H%M%S")
        suffix = ".eml" if message.channel == EMAIL else ".txt"
        return self.directory / f"{stamp}-{message.channel}-{message.topic}-{message.id}{suffix}"

    def send(self, message: CustomerMessage) -> None:
        if message.channel == EMAIL:
            content = build_email(message, self._mail_from).as_bytes()
        else:
            text = f"To: {message.recipient}\n\n{message.body}"  # an SMS has no subject
            content = text.encode()
        self.directory.mkdir(parents=True, exist_ok=True)
        target = self.path_for(message)
        # Write then rename: a reader never sees half a message.
        fd, temporary = tempfile.mkstemp(dir=self.directory, prefix=".incoming-")
        with os.fdopen(fd, "wb") as out:
            out.write(content)
        os.replace(temporary, target)


class SmtpChannel:
    """Sends e-mail notices through an SMTP relay, with STARTTLS and login when set."""

    def __init__(
        self,
        host: str,
        port: int = 587,
        *,
        mail_from: str,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = True,
        ssl_context: ssl.SSLContext | None = None,
        timeout: float = SMTP_TIMEOUT_SECONDS,
    ) -> None:
        self.host, self.port = host, port
        self._mail_from = mail_from
        self._username, self._password = username, password
        self._starttls = starttls
        self._ssl_context = ssl_context
        self._timeout = timeout

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpChannel:
        if settings.smtp_host is None:
            raise ValueError("smtp_host is not set")
        password = settings.smtp_password
        return cls(
            settings.smtp_host,
            settings.smtp_port,
            mail_from=settings.mail_from,
            username=settings.smtp_username,
            password=password.get_secret_value() if password else None,
            starttls=settings.smtp_starttls,
        )

    def send(self, message: CustomerMessage) -> None:
        if message.channel != EMAIL:
            raise DeliveryFailed(f"SMTP cannot send {message.channel}", permanent=True)
        email = build_email(message, self._mail_from)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self._timeout) as smtp:
                smtp.ehlo()
                if self._starttls:
                    smtp.starttls(context=self._ssl_context or ssl.create_default_context())
                    smtp.ehlo()
                if self._username:
                    smtp.login(self._username, self._password or "")
                smtp.send_message(email)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            permanent = all(code >= 500 for code in codes)
            raise DeliveryFailed(f"recipient refused: {codes}", permanent=permanent) from exc


class WebhookChannel:
    """POSTs events as JSON, signed (``X-Lastgate-Signature``); 2xx is delivered."""

    def __init__(
        self,
        secret: str,
        *,
        timeout: float = WEBHOOK_TIMEOUT_SECONDS,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._secret = secret
        self._timeout = timeout
        self._transport = transport

    def post(self, event: WebhookEvent) -> None:
        headers = {
            "Content-Type": "application/json",
            "User-Agent": f"lastgate/{__version__}",
            EVENT_ID_HEADER: event.id,
            SIGNATURE_HEADER: sign(self._secret, event.body, int(event.sent_at.timestamp())),
        }
        try:
            with httpx.Client(timeout=self._timeout, transport=self._transport) as client:
                response = client.post(event.url, content=event.body, headers=headers)
        except httpx.HTTPError as exc:
            raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from exc
        if not response.is_success:
            raise DeliveryFailed(f"HTTP {response.status_code} from {event.url}")


def channels_from_settings(settings: Settings) -> Channels:
    """The mailbox (e-mail and SMS) when set, else SMTP for e-mail; always webhooks."""
    mailbox = (
        MailboxChannel(settings.mailbox_dir, mail_from=settings.mail_from)
        if settings.mailbox_dir is not None
        else None
    )
    smtp = SmtpChannel.from_settings(settings) if settings.smtp_host else None
    return Channels(
        email=mailbox or smtp,
        sms=mailbox,
        webhook=WebhookChannel(settings.webhook_secret.get_secret_value()),
    )
