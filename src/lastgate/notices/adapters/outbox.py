"""The transactional outbox: notices and webhook events written in the use case's own
transaction, delivered later by the worker (``lastgate.notices.adapters.delivery``).

Each customer notice becomes one row per verified channel (e-mail, phone), carrying what
the message needs to be rendered at delivery: topic, parameters, language and the
customer's anti-phishing code as they were when the notice was decided. Secret parameters
(a one-time code) are sealed for their row (``sealed``); a new secret about the same
subject voids an older one not yet delivered.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from lastgate.closure.adapters.tables import customer_settings, outbox
from lastgate.kernel.clock import Clock
from lastgate.kernel.settings import Settings
from lastgate.ledger.adapters import tables as ledger
from lastgate.ledger.model import CustomerStatus
from lastgate.notices.adapters.sealed import SECRET_TOPICS, scrubbed_payload, seal_params
from lastgate.platform.db import pipeline
from lastgate.platform.secret_box import SecretBox

EMAIL, SMS, WEBHOOK = "email", "sms", "webhook"
#: The least time between two customer notices about one subject (``_stamp``): a
#: second, the Date header's and the mailbox's file names' resolution.
ORDER_GAP = timedelta(seconds=1)


_c = ledger.customers.c
#: What a notice needs of the customer: their contact, anti-phishing code and language.
_RECIPIENT = (
    select(_c.email, _c.phone, customer_settings.c.anti_phishing_code, customer_settings.c.language)
    .select_from(ledger.customers.outerjoin(customer_settings, customer_settings.c.uid == _c.uid))
    .where(_c.uid == bindparam("recipient_uid"))
)
_ROW_COLUMNS = (
    "id",
    "created_at",
    "channel",
    "topic",
    "recipient",
    "subject_ref",
    "payload",
    "deliver_after",
    "attempts",
)
#: One queued row (``SqlNotifier._row``'s values), built once.
_ENQUEUE = insert(outbox).values({name: bindparam(name) for name in _ROW_COLUMNS})


class SqlNotifier:
    def __init__(
        self,
        conn: Connection,
        clock: Clock,
        settings: Settings,
        *,
        later: pipeline.Later | None = None,
    ) -> None:
        self._conn, self._clock, self._settings = conn, clock, settings
        #: Rows queued are written with the unit of work's COMMIT when it keeps them.
        self._later = later or pipeline.Later(conn, keep=False)
        #: The date of the last customer notice queued about each subject (``_stamp``).
        self._stamps: dict[str, datetime] = {}

    def _row(
        self,
        channel: str,
        topic: str,
        recipient: str,
        subject_ref: str,
        payload: Mapping[str, Any],
        deliver_after: datetime | None,
        created_at: datetime | None = None,
    ) -> dict[str, Any]:
        now, outbox_id = self._clock(), str(uuid.uuid4())
        if topic in SECRET_TOPICS and "params" in payload:
            box = SecretBox.from_settings(self._settings)
            payload = {**payload, "params": seal_params(box, outbox_id, topic, payload["params"])}
        return {
            "id": outbox_id,
            "created_at": created_at or now,
            "channel": channel,
            "topic": topic,
            "recipient": recipient,
            "subject_ref": subject_ref,
            "payload": json.dumps(payload, sort_keys=True, ensure_ascii=False),
            "deliver_after": deliver_after or now,
            "attempts": 0,
        }

    def _enqueue(self, rows: list[dict[str, Any]]) -> None:
        for row in rows:
            self._later.add(_ENQUEUE, row)

    def notify_customer(
        self,
        uid: str,
        topic: str,
        params: Mapping[str, str],
        *,
        subject_ref: str,
        deliver_after: datetime | None = None,
        channels: Sequence[str] | None = None,
        language: str | None = None,
    ) -> None:
        contact = self._conn.execute(_RECIPIENT, {"recipient_uid": uid}).first()
        if contact is None:
            return
        payload = {
            "uid": uid,
            "topic": topic,
            "params": dict(params),
            "language": language or contact.language or self._settings.default_language,
            "anti_phishing_code": contact.anti_phishing_code,
        }
        if topic in SECRET_TOPICS:
            self.void(subject_ref, [topic])  # an older code is dead: never deliver it
        stamp = self._stamp(subject_ref)
        self._enqueue(
            [
                self._row(channel, topic, recipient, subject_ref, payload, deliver_after, stamp)
                for channel, recipient in ((EMAIL, contact.email), (SMS, contact.phone))
                if recipient and (channels is None or channel in channels)
            ]
        )

    def _stamp(self, subject_ref: str) -> datetime:
        """When a customer notice about ``subject_ref`` is dated: now, but never less than
        ``ORDER_GAP`` after the last one about it, so that notices decided in the same
        second (the cooling-off ended, then the account closed) are delivered, filed and
        shown by a mail client, which sorts by the Date header's seconds, in the order
        they were decided."""
        now, last = self._clock(), self._stamps.get(subject_ref)
        if last is None:
            c = outbox.c
            last = self._conn.execute(
                select(func.max(c.created_at)).where(
                    c.subject_ref == subject_ref, c.channel.in_((EMAIL, SMS))
                )
            ).scalar()
        stamp = now if last is None else max(now, last + ORDER_GAP)
        self._stamps[subject_ref] = stamp
        return stamp

    def publish_event(self, topic: str, payload: Mapping[str, Any], *, subject_ref: str) -> None:
        if self._settings.webhook_url is None:
            return
        body = {
            "id": str(uuid.uuid4()),
            "type": topic,
            "created_at": self._clock().isoformat(),
            "data": dict(payload),
        }
        url = self._settings.webhook_url
        self._enqueue([self._row(WEBHOOK, topic, url, subject_ref, body, None)])

    def remember_language(self, uid: str, language: str) -> None:
        """Store the customer's language setting, which every notice decided later reads.
        Read first: written only when it differs, and never for an unknown or closed
        account (nothing new is kept for it). Only the language changes: ``updated_at``
        dates the anti-phishing code."""
        c = ledger.customers.c
        known = self._conn.execute(
            select(c.status, customer_settings.c.language)
            .select_from(
                ledger.customers.outerjoin(customer_settings, customer_settings.c.uid == c.uid)
            )
            .where(c.uid == uid)
        ).first()
        if known is None or known.status == CustomerStatus.CLOSED or known.language == language:
            return
        dialect = postgresql if self._conn.dialect.name == "postgresql" else sqlite
        upsert = dialect.insert(customer_settings).values(
            uid=uid, language=language, updated_at=self._clock()
        )
        self._conn.execute(
            upsert.on_conflict_do_update(
                index_elements=[customer_settings.c.uid], set_={"language": language}
            )
        )

    def void(self, subject_ref: str, topics: Sequence[str]) -> int:
        self._later.flush()  # the rows queued before it are voided too
        c = outbox.c
        result = self._conn.execute(
            update(outbox)
            .where(
                c.subject_ref == subject_ref,
                c.topic.in_(list(topics)),
                c.delivered_at.is_(None),
                c.voided_at.is_(None),
            )
            .values(voided_at=self._clock(), payload=scrubbed_payload())
        )
        return result.rowcount
