"""Delivering the outbox: claim due rows, render, send through a channel, record the outcome.

Delivery is **at least once**. A row is claimed in one short transaction (on PostgreSQL
with ``FOR UPDATE SKIP LOCKED``, so concurrent workers take disjoint rows) that moves its
``deliver_after`` past a lease; it is sent after that commit, and the rows of the batch
that were sent are marked delivered together in another. A worker that dies between
sending and marking leaves those rows to be sent again when the lease runs out; no
ordering of commit and send avoids that. Receivers
de-duplicate: every webhook carries its event id, every e-mail a stable Message-ID.

A failed send is retried with exponential backoff and jitter (capped at an hour) until
``settings.outbox_max_attempts``; then the row is marked failed with its last error.

A one-time code is opened from its seal only to be sent (``sealed``), is given up once
it has expired, and is scrubbed from the row once delivered or given up.
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import Engine, Row, select, update

from lastgate.closure.adapters.tables import outbox
from lastgate.kernel.clock import Clock
from lastgate.kernel.i18n import SUPPORTED_LANGUAGES, normalize, translate
from lastgate.kernel.messages import Message
from lastgate.kernel.settings import Settings
from lastgate.notices.adapters.sealed import expired, open_params, scrubbed_payload
from lastgate.notices.model import InvalidNotice, compose, delivery_links, render
from lastgate.notices.sms import sms_text
from lastgate.platform.secret_box import SecretBox, SecretUnavailable

log = logging.getLogger(__name__)

EMAIL, SMS, WEBHOOK = "email", "sms", "webhook"
#: How long a claimed row stays invisible to other workers while it is being sent.
CLAIM_LEASE = timedelta(minutes=15)
#: The first retry waits about this long; each further one about twice as long.
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(hours=1)
_ERROR_MAX_CHARS = 2000


class DeliveryFailed(Exception):
    """A channel could not deliver a message; a ``permanent`` failure is not retried."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


@dataclass(frozen=True, slots=True)
class CustomerMessage:
    """A rendered notice for one recipient on one channel (``email`` or ``sms``). An SMS's
    ``body`` is its short text (``notices.sms``), to be sent without the subject."""

    id: str
    channel: str
    recipient: str
    subject: str
    body: str
    language: str
    topic: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class WebhookEvent:
    """A webhook to POST: ``body`` is the exact JSON bytes to sign and send."""

    id: str
    url: str
    type: str
    body: bytes
    sent_at: datetime


class NoticeChannel(Protocol):
    """Sends customer notices; raises ``DeliveryFailed`` (or anything: retried)."""

    def send(self, message: CustomerMessage) -> None: ...


class EventChannel(Protocol):
    """POSTs webhook events; raises ``DeliveryFailed`` (or anything: retried)."""

    def post(self, event: WebhookEvent) -> None: ...


@dataclass(frozen=True, slots=True)
class Channels:
    """The channel for each kind of outbox row; ``None`` when none is configured."""

    email: NoticeChannel | None = None
    sms: NoticeChannel | None = None
    webhook: EventChannel | None = None


@dataclass(slots=True)
class DeliveryReport:
    """What one pass did: rows claimed, delivered, rescheduled and given up on."""

    claimed: int = 0
    delivered: int = 0
    retrying: int = 0
    failed: int = 0


def deliver_due(
    engine: Engine,
    clock: Clock,
    settings: Settings,
    channels: Channels,
    limit: int | None = None,
    *,
    rng: random.Random | None = None,
) -> DeliveryReport:
    """Deliver up to ``limit`` due outbox rows once each; see the module docstring."""
    rows = _claim(engine, clock(), limit or settings.worker_batch_size)
    report = DeliveryReport(claimed=len(rows))
    delivered: list[str] = []  # recorded together once the batch is sent
    try:
        for row in rows:
            try:
                _send(row, channels, settings, clock)
            except DeliveryFailed as exc:
                failure = (exc.reason, exc.permanent)
                _record_failure(engine, clock(), settings, row, *failure, rng, report)
            except Exception as exc:  # a channel's bug or an unexpected network error: retry
                # The type only: an exception's text can name the recipient or the webhook URL.
                log.warning("outbox.delivery_raised", extra=_fields(row, error=type(exc).__name__))
                reason = f"{type(exc).__name__}: {exc}"
                _record_failure(engine, clock(), settings, row, reason, False, rng, report)
            else:
                delivered.append(row.id)
                report.delivered += 1
                log.info("outbox.delivered", extra=_fields(row, event="outbox.delivered"))
    finally:
        _mark_delivered(engine, clock(), delivered)
    return report


def _fields(row: Row[Any], **more: Any) -> dict[str, Any]:
    """What a delivery's log line says: the row, its channel, topic and subject, never its
    recipient, payload or error text (that is in the row's ``last_error``)."""
    fields = {"outbox_id": row.id, "channel": row.channel, "topic": row.topic}
    return {"event": "outbox.delivery_raised", **fields, "subject": row.subject_ref, **more}


def backoff(attempts: int, rng: random.Random | None = None) -> timedelta:
    """The wait after ``attempts`` failed sends: doubling, half of it random, capped."""
    ceiling = min(BACKOFF_CAP, BACKOFF_BASE * (1 << min(max(attempts - 1, 0), 30)))
    jitter: float = (rng or random).random()
    return ceiling / 2 + ceiling / 2 * jitter


def _claim(engine: Engine, now: datetime, limit: int) -> list[Row[Any]]:
    """Take due rows and push them past the lease, in one committed transaction."""
    c = outbox.c
    with engine.connect() as conn, conn.begin():
        if conn.dialect.name == "sqlite":
            # SQLite has no row locks: take the write lock first, so claims serialise.
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        rows = list(
            conn.execute(
                select(outbox)
                .where(
                    c.deliver_after <= now,
                    c.delivered_at.is_(None),
                    c.voided_at.is_(None),
                    c.failed_at.is_(None),
                )
                .order_by(c.deliver_after, c.created_at)
                .limit(limit)
                .with_for_update(skip_locked=True)
            ).all()
        )
        if rows:
            conn.execute(
                update(outbox)
                .where(c.id.in_([r.id for r in rows]))
                .values(attempts=c.attempts + 1, deliver_after=now + CLAIM_LEASE)
            )
    return rows


def _send(row: Row[Any], channels: Channels, settings: Settings, clock: Clock) -> None:
    payload: dict[str, Any] = json.loads(row.payload)
    if row.channel == WEBHOOK:
        if channels.webhook is None:
            raise DeliveryFailed("no webhook channel configured", permanent=True)
        channels.webhook.post(
            WebhookEvent(
                id=str(payload.get("id", row.id)),
                url=row.recipient,
                type=row.topic,
                body=row.payload.encode(),
                sent_at=clock(),
            )
        )
        return
    channel = {EMAIL: channels.email, SMS: channels.sms}.get(row.channel)
    if channel is None:
        raise DeliveryFailed(_no_channel(row.channel), permanent=True)
    params = {str(k): str(v) for k, v in dict(payload.get("params") or {}).items()}
    if expired(row.topic, params, clock()):
        raise DeliveryFailed("the code expired before it could be delivered", permanent=True)
    try:
        params = open_params(SecretBox.from_settings(settings), row.id, row.topic, params)
    except SecretUnavailable as exc:
        raise DeliveryFailed(f"the sealed code does not open: {exc}", permanent=True) from exc
    channel.send(_customer_message(row, payload, params, settings))


def _no_channel(channel: str) -> str:
    if channel == SMS:
        return "no SMS provider configured: set LASTGATE_MAILBOX_DIR to keep SMS in the mailbox"
    if channel == EMAIL:
        return "no e-mail channel configured: set LASTGATE_SMTP_HOST or LASTGATE_MAILBOX_DIR"
    return f"unknown outbox channel {channel!r}"


def _customer_message(
    row: Row[Any], payload: Mapping[str, Any], params: Mapping[str, str], settings: Settings
) -> CustomerMessage:
    language = normalize(str(payload.get("language") or "")) or settings.default_language
    if language not in SUPPORTED_LANGUAGES:
        language = SUPPORTED_LANGUAGES[0]
    try:
        notice = compose(
            row.topic,
            {**params, **delivery_links(settings.public_base_url)},
            anti_phishing_code=payload.get("anti_phishing_code"),
            language=language,
        )
    except InvalidNotice as exc:
        raise DeliveryFailed(exc.message, permanent=True) from exc

    def said(message: Message) -> str:
        return translate(message, language)

    text = render(notice, said)
    return CustomerMessage(
        id=row.id,
        channel=row.channel,
        recipient=row.recipient,
        subject=text.subject,  # an SMS channel sends the body alone
        body=sms_text(notice, said) if row.channel == SMS else text.body,
        language=language,
        topic=row.topic,
        created_at=row.created_at,
    )


def _mark_delivered(engine: Engine, now: datetime, delivered: list[str]) -> None:
    """Record a batch's sent rows in one transaction: a worker that dies before it leaves
    them to be sent again, as at-least-once allows."""
    if delivered:
        with engine.begin() as conn:
            conn.execute(
                update(outbox)
                .where(outbox.c.id.in_(delivered), outbox.c.delivered_at.is_(None))
                .values(delivered_at=now, last_error=None, payload=scrubbed_payload())
            )


def _record_failure(
    engine: Engine,
    now: datetime,
    settings: Settings,
    row: Row[Any],
    reason: str,
    permanent: bool,
    rng: random.Random | None,
    report: DeliveryReport,
) -> None:
    attempts = row.attempts + 1  # the claim counted this attempt
    error = reason[:_ERROR_MAX_CHARS]
    values: dict[str, Any]
    if permanent or attempts >= settings.outbox_max_attempts:
        values = {"failed_at": now, "last_error": error, "payload": scrubbed_payload()}
        report.failed += 1
        event = _fields(row, event="outbox.delivery_failed", attempts=attempts)
        log.error("outbox.delivery_failed", extra=event)
    else:
        values = {"deliver_after": now + backoff(attempts, rng), "last_error": error}
        report.retrying += 1
        event = _fields(row, event="outbox.delivery_retrying", attempts=attempts)
        log.warning("outbox.delivery_retrying", extra=event)
    with engine.begin() as conn:
        conn.execute(
            update(outbox)
            .where(outbox.c.id == row.id, outbox.c.delivered_at.is_(None))
            .values(**values)
        )
