"""Delivering the outbox to real channels: a mailbox, an SMTP server, a webhook receiver.

The SMTP server (aiosmtpd) and the webhook receiver (http.server) run in this process on
free local ports; nothing is mocked. Every test runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import email
import json
import ssl
import threading
from collections.abc import Callable, Iterator
from email.message import Message as EmailMessage
from email.policy import default as email_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy import Engine, insert, select

from lastgate.closure.adapters.tables import customer_settings, outbox
from lastgate.kernel.settings import Settings
from lastgate.notices.adapters.channels import (
    MailboxChannel,
    SmtpChannel,
    WebhookChannel,
    channels_from_settings,
)
from lastgate.notices.adapters.delivery import BACKOFF_CAP, Channels, backoff, deliver_due
from lastgate.notices.adapters.outbox import SqlNotifier
from lastgate.notices.adapters.webhook_signature import EVENT_ID_HEADER, SIGNATURE_HEADER, verify
from tests.builders import account, load
from tests.live_server import free_port

SECRET = "whsec-integration"


# ---------------------------------------------------------------- webhook receiver


class Receiver:
    """A webhook endpoint that verifies every signature and answers scripted statuses."""

    def __init__(self, clock: Callable[[], dt.datetime]) -> None:
        self.clock = clock
        self.statuses: list[int] = []  # answered in order; 200 once exhausted
        self.received: list[dict[str, Any]] = []
        self.accepted: list[str] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                verify(
                    SECRET,
                    body,
                    self.headers.get(SIGNATURE_HEADER),
                    now=receiver.clock().timestamp(),
                )
                event = json.loads(body)
                assert self.headers[EVENT_ID_HEADER] == event["id"]
                with receiver.lock:
                    receiver.received.append(event)
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                    if 200 <= status < 300:
                        receiver.accepted.append(event["id"])
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(clock) -> Iterator[Receiver]:
    r = Receiver(clock)
    yield r
    r.close()


# ---------------------------------------------------------------- SMTP server


class Inbox:
    """aiosmtpd handler keeping every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content, policy=email_policy))
        return "250 OK"


@pytest.fixture
def smtp_server() -> Iterator[tuple[Controller, Inbox]]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


def _self_signed(tmp_path: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


# ---------------------------------------------------------------- helpers


def _settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "webhook_url": "http://127.0.0.1:9/unused",
        "webhook_secret": SECRET,
        "public_base_url": "https://close.example",
        "mailbox_dir": None,
        "smtp_host": None,
    }
    values.update(overrides)
    return Settings(**values)


def _customer(engine: Engine, clock, *, code: str | None = "Blue7Harbor", language="en") -> None:
    load(engine, account("U1"))
    with engine.begin() as conn:
        conn.execute(
            insert(customer_settings).values(
                uid="U1", anti_phishing_code=code, language=language, updated_at=clock()
            )
        )


def _notify(engine: Engine, clock, settings: Settings, topic="closure_submitted", **kw) -> None:
    params = kw.pop("params", {})
    with engine.begin() as conn:
        SqlNotifier(conn, clock, settings).notify_customer(
            "U1", topic, params, subject_ref="closure:c1", **kw
        )


def _publish(engine: Engine, clock, settings: Settings, count: int = 1) -> None:
    with engine.begin() as conn:
        notifier = SqlNotifier(conn, clock, settings)
        for n in range(count):
            notifier.publish_event(
                "closure.cooling_off", {"uid": "U1", "n": n}, subject_ref=f"closure:c{n}"
            )


def _rows(engine: Engine) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(select(outbox).order_by(outbox.c.channel)))


def _webhooks_only(settings: Settings) -> Channels:
    return Channels(webhook=WebhookChannel(settings.webhook_secret.get_secret_value()))


# ---------------------------------------------------------------- mailbox


def test_the_mailbox_holds_an_email_and_an_sms_with_the_anti_phishing_code(
    engine, clock, tmp_path
) -> None:
    config = _settings(mailbox_dir=tmp_path / "mailbox")
    _customer(engine, clock)
    _notify(engine, clock, config)

    report = deliver_due(engine, clock, config, channels_from_settings(config), limit=10)

    assert (report.claimed, report.delivered) == (2, 2)
    eml = next((tmp_path / "mailbox").glob("*.eml"))
    sms = next((tmp_path / "mailbox").glob("*.txt"))
    message = email.message_from_bytes(eml.read_bytes(), policy=email_policy)
    assert message["To"] == "u1@example.com"
    assert message["Subject"] == "We received your request to close your account"
    assert message.get_content().startswith("Your anti-phishing code: Blue7Harbor\n")
    assert "Your anti-phishing code: Blue7Harbor" in sms.read_text()
    assert all(row.delivered_at == clock() for row in _rows(engine))
    assert deliver_due(engine, clock, config, channels_from_settings(config)).claimed == 0


class _StopsAfterOne:
    """A channel that sends one message and then the worker is stopped mid-batch."""

    def __init__(self, inner: MailboxChannel) -> None:
        self.inner, self.sent = inner, 0

    def send(self, message: Any) -> None:
        if self.sent:
            raise KeyboardInterrupt
        self.inner.send(message)
        self.sent += 1


def test_a_batch_stopped_midway_records_what_it_sent(engine, clock, tmp_path) -> None:
    """The batch's sent rows are recorded together after its sends; a worker stopped in
    the middle still records those it sent, and the rest are sent after the lease."""
    config = _settings(mailbox_dir=tmp_path)
    _customer(engine, clock)
    _notify(engine, clock, config)
    channel = _StopsAfterOne(MailboxChannel(tmp_path))

    with pytest.raises(KeyboardInterrupt):
        deliver_due(engine, clock, config, Channels(email=channel, sms=channel))

    delivered = [row for row in _rows(engine) if row.delivered_at is not None]
    assert len(delivered) == 1 and delivered[0].delivered_at == clock()
    assert deliver_due(engine, clock, config, channels_from_settings(config)).claimed == 0
    clock.advance(minutes=16)  # the claim's lease ends
    report = deliver_due(engine, clock, config, channels_from_settings(config))
    assert (report.claimed, report.delivered) == (1, 1)


def test_a_notice_is_written_in_the_customers_language(engine, clock, tmp_path) -> None:
    config = _settings(mailbox_dir=tmp_path)
    _customer(engine, clock, language="zh_Hans")
    _notify(engine, clock, config, "closure_cancelled")

    deliver_due(engine, clock, config, channels_from_settings(config))

    message = email.message_from_bytes(
        next(tmp_path.glob("*.eml")).read_bytes(), policy=email_policy
    )
    assert message["Subject"] == "您的账户注销已取消"
    assert message["Content-Language"] == "zh-Hans"
    assert message.get_content().startswith("您的防钓鱼码\uff1aBlue7Harbor\n")
    # "If you did not cancel it, contact support at once" says where: the desk's form.
    support = config.public_base_url.rstrip("/") + "/web/tickets#new"
    assert f"请立即联系客服\uff1a{support}" in message.get_content()


def test_a_reminder_waits_until_it_is_due(engine, clock, tmp_path) -> None:
    config = _settings(mailbox_dir=tmp_path)
    _customer(engine, clock)
    params = {"ends_at": "2026-12-07T12:00:00+00:00", "cancel_url": "https://close.example/c"}
    _notify(
        engine,
        clock,
        config,
        "cooling_off_reminder",
        params=params,
        deliver_after=clock() + dt.timedelta(days=13),
    )

    assert deliver_due(engine, clock, config, channels_from_settings(config)).claimed == 0
    clock.advance(days=13)
    assert deliver_due(engine, clock, config, channels_from_settings(config)).delivered == 2


def test_voided_notices_are_never_sent(engine, clock, tmp_path) -> None:
    config = _settings(mailbox_dir=tmp_path)
    _customer(engine, clock)
    _notify(engine, clock, config, "closure_on_hold")
    with engine.begin() as conn:
        assert SqlNotifier(conn, clock, config).void("closure:c1", ["closure_on_hold"]) == 2

    report = deliver_due(engine, clock, config, channels_from_settings(config))

    assert report.claimed == 0
    assert list(tmp_path.iterdir()) == []


def test_a_chinese_customers_email_and_sms_are_in_chinese(engine, clock, tmp_path) -> None:
    """Subject and body in Chinese, dates in Chinese, check codes as their Chinese labels:
    nothing of the English text, and no code, is left in either message."""
    config = _settings(mailbox_dir=tmp_path)
    _customer(engine, clock, language="zh_Hans")
    _notify(engine, clock, config, "closure_blocked", params={"reasons": "DUST_REMAINING"})
    _notify(
        engine,
        clock,
        config,
        "cooling_off_started",
        params={"ends_at": "2026-12-07T12:00:00+00:00", "cancel_url": "https://close.example/c"},
    )

    assert deliver_due(engine, clock, config, channels_from_settings(config)).delivered == 4

    blocked_mail, cooling_mail = (
        email.message_from_bytes(
            next(tmp_path.glob(f"*-email-{t}-*.eml")).read_bytes(), policy=email_policy
        )
        for t in ("closure_blocked", "cooling_off_started")
    )
    blocked_sms = next(tmp_path.glob("*-sms-closure_blocked-*.txt")).read_text()
    cooling_sms = next(tmp_path.glob("*-sms-cooling_off_started-*.txt")).read_text()
    assert blocked_mail["Subject"] == "我们无法注销您的账户"
    reasons = "最终检查发现以下问题导致无法注销您的账户\uff1a仍有小额资产。"
    assert reasons in blocked_mail.get_content()
    assert cooling_mail["Subject"] == "您的账户已冻结\uff0c等待注销"
    assert "将在 2026年12月7日 12:00 UTC 之后注销" in cooling_mail.get_content()
    assert "仍有小额资产" in blocked_sms  # an SMS: the message, without the subject
    assert "我们无法注销您的账户" not in blocked_sms
    assert "2026年12月7日 12:00 UTC" in cooling_sms and "您的防钓鱼码" in cooling_sms
    for text in (blocked_mail.get_content(), cooling_mail.get_content(), blocked_sms, cooling_sms):
        assert "DUST_REMAINING" not in text and "Your " not in text and "2026-12-07" not in text


def test_smtp_delivers_a_chinese_notice_in_chinese(engine, clock, smtp_server) -> None:
    controller, inbox = smtp_server
    config = _settings(smtp_host="127.0.0.1", smtp_port=controller.port, smtp_starttls=False)
    _customer(engine, clock, language="zh_Hans")
    _notify(engine, clock, config, "account_frozen")

    assert deliver_due(engine, clock, config, channels_from_settings(config)).delivered == 1

    [message] = inbox.messages
    assert message["Subject"] == "您的账户已冻结"
    assert message["Content-Language"] == "zh-Hans"
    assert message.get_content().startswith("您的防钓鱼码\uff1aBlue7Harbor\n")
    # "If you did not ask for this, contact support at once" says where: the desk's form.
    support = config.public_base_url.rstrip("/") + "/web/tickets#new"
    assert f"请立即联系客服\uff1a{support}" in message.get_content()
    assert "交易、充值和提现均已暂停" in message.get_content()


# ---------------------------------------------------------------- SMTP


def test_smtp_delivers_the_notice_with_the_anti_phishing_code(engine, clock, smtp_server) -> None:
    controller, inbox = smtp_server
    config = _settings(smtp_host="127.0.0.1", smtp_port=controller.port, smtp_starttls=False)
    _customer(engine, clock)
    _notify(engine, clock, config, "account_frozen")

    report = deliver_due(engine, clock, config, channels_from_settings(config))

    assert report.delivered == 1  # the e-mail; SMS has no provider
    [message] = inbox.messages
    assert message["To"] == "u1@example.com"
    assert message["From"] == config.mail_from
    assert "Your anti-phishing code: Blue7Harbor" in message.get_content()
    assert message["Message-ID"].endswith("@lastgate.invalid>")


def test_sms_without_a_provider_or_mailbox_fails_with_a_clear_error(
    engine, clock, smtp_server
) -> None:
    controller, _ = smtp_server
    config = _settings(smtp_host="127.0.0.1", smtp_port=controller.port, smtp_starttls=False)
    _customer(engine, clock)
    _notify(engine, clock, config)

    report = deliver_due(engine, clock, config, channels_from_settings(config))

    assert report.failed == 1
    sms = next(row for row in _rows(engine) if row.channel == "sms")
    assert sms.failed_at == clock()
    assert "no SMS provider" in sms.last_error


def test_smtp_uses_starttls_and_logs_in(engine, clock, tmp_path) -> None:
    cert, key = _self_signed(tmp_path)
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    logins: list[tuple[bytes, bytes]] = []

    def authenticator(server, session, envelope, mechanism, auth_data) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        logins.append((auth_data.login, auth_data.password))
        ok = (auth_data.login, auth_data.password) == (b"relay", b"s3cret")
        return AuthResult(success=ok)

    inbox = Inbox()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=free_port(),
        server_hostname="localhost",
        tls_context=server_tls,
        require_starttls=True,
        authenticator=authenticator,
        auth_required=True,
    )
    controller.start()
    try:
        client_tls = ssl.create_default_context(cafile=str(cert))
        client_tls.check_hostname = False
        channel = SmtpChannel(
            "127.0.0.1",
            controller.port,
            mail_from="Exchange <no-reply@exchange.example>",
            username="relay",
            password="s3cret",
            ssl_context=client_tls,
        )
        config = _settings()
        _customer(engine, clock)
        _notify(engine, clock, config, "closure_completed")

        report = deliver_due(engine, clock, config, Channels(email=channel))
    finally:
        controller.stop()

    assert report.delivered == 1
    assert logins == [(b"relay", b"s3cret")]
    assert "Blue7Harbor" in inbox.messages[0].get_content()


# ---------------------------------------------------------------- webhooks


def test_a_webhook_is_signed_and_carries_its_event_id(engine, clock, receiver) -> None:
    config = _settings(webhook_url=receiver.url)
    _publish(engine, clock, config)

    report = deliver_due(engine, clock, config, channels_from_settings(config))

    assert report.delivered == 1
    [event] = receiver.received
    assert event["type"] == "closure.cooling_off"
    assert event["data"] == {"uid": "U1", "n": 0}
    assert receiver.accepted == [event["id"]]


def test_a_failed_webhook_is_retried_later_and_delivered_once(engine, clock, receiver) -> None:
    config = _settings(webhook_url=receiver.url)
    receiver.statuses = [500]
    _publish(engine, clock, config)

    first = deliver_due(engine, clock, config, _webhooks_only(config))
    [row] = _rows(engine)
    assert (first.retrying, row.attempts, row.last_error) == (1, 1, f"HTTP 500 from {receiver.url}")
    assert clock() < row.deliver_after <= clock() + dt.timedelta(seconds=30)
    assert deliver_due(engine, clock, config, _webhooks_only(config)).claimed == 0

    clock.advance(seconds=31)
    second = deliver_due(engine, clock, config, _webhooks_only(config))

    assert second.delivered == 1
    assert len(receiver.received) == 2
    assert len(receiver.accepted) == 1
    [row] = _rows(engine)
    assert (row.attempts, row.delivered_at, row.last_error) == (2, clock(), None)
    clock.advance(hours=2)
    assert deliver_due(engine, clock, config, _webhooks_only(config)).claimed == 0


def test_after_the_last_attempt_a_webhook_is_marked_failed(engine, clock, receiver) -> None:
    config = _settings(webhook_url=receiver.url, outbox_max_attempts=3)
    receiver.statuses = [503] * 10
    _publish(engine, clock, config)

    reports = []
    for _ in range(5):
        reports.append(deliver_due(engine, clock, config, _webhooks_only(config)))
        clock.advance(hours=1, seconds=1)

    assert [r.claimed for r in reports] == [1, 1, 1, 0, 0]
    assert reports[2].failed == 1
    [row] = _rows(engine)
    assert row.attempts == 3
    assert row.failed_at is not None and row.delivered_at is None
    assert "HTTP 503" in row.last_error


def test_an_unreachable_endpoint_is_retried(engine, clock) -> None:
    config = _settings(webhook_url=f"http://127.0.0.1:{free_port()}/hooks")
    _publish(engine, clock, config)

    report = deliver_due(engine, clock, config, _webhooks_only(config))

    assert report.retrying == 1
    assert "ConnectError" in _rows(engine)[0].last_error


def test_two_workers_deliver_each_row_exactly_once(engine, clock, receiver) -> None:
    config = _settings(webhook_url=receiver.url)
    _publish(engine, clock, config, count=40)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            start.wait()
            while deliver_due(engine, clock, config, _webhooks_only(config), limit=3).claimed:
                pass
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert errors == []
    ids = [event["id"] for event in receiver.received]
    assert len(ids) == 40
    assert len(set(ids)) == 40
    assert all(row.delivered_at is not None for row in _rows(engine))


# ---------------------------------------------------------------- backoff


def test_backoff_doubles_with_jitter_and_is_capped_at_an_hour() -> None:
    import random

    rng = random.Random(7)
    waits = [backoff(n, rng) for n in range(1, 16)]
    assert dt.timedelta(seconds=15) <= waits[0] <= dt.timedelta(seconds=30)
    assert dt.timedelta(seconds=30) <= waits[1] <= dt.timedelta(seconds=60)
    assert all(wait <= BACKOFF_CAP for wait in waits)
    assert waits[-1] >= BACKOFF_CAP / 2


def test_a_mailbox_resend_overwrites_its_own_file(tmp_path, clock) -> None:
    from lastgate.notices.adapters.delivery import CustomerMessage

    mailbox = MailboxChannel(tmp_path)
    message = CustomerMessage("m1", "sms", "+491", "Subject", "Body\n", "en", "x", clock())
    mailbox.send(message)
    mailbox.send(message)
    assert len(list(tmp_path.iterdir())) == 1
