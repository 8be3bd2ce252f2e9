"""The limits of step-up verification on lastgate's database: the account's count of
wrong tries (``verification_attempts``) and the codes it was sent.

Every check locks the account's row first (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's
unit of work holds the write lock from ``BEGIN IMMEDIATE``) and writes the new count in
the same transaction, so two concurrent tries, from two requests or two methods, are
both counted. The rules are ``lastgate.closure.model.attempts``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, NoReturn

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from lastgate.closure.adapters.step_up_base import StepUpBase
from lastgate.closure.adapters.tables import (
    closure_requests,
    verification_attempts,
    verification_challenges,
)
from lastgate.closure.model import attempts
from lastgate.closure.model.attempts import AttemptCount
from lastgate.closure.model.verification import OTP_METHODS
from lastgate.kernel.errors import VerificationLocked
from lastgate.kernel.policy import VerificationPolicy

_va, _ch = verification_attempts.c, verification_challenges.c


class AttemptLimits(StepUpBase):
    """The count of wrong tries of an account, and the limit on the codes it is sent."""

    def _locked_count(self, uid: str) -> AttemptCount:
        """The account's count, its row created if new and locked until commit."""
        dialect = postgresql if self._conn.dialect.name == "postgresql" else sqlite
        self._conn.execute(
            dialect.insert(verification_attempts)
            .values(uid=uid, failures=0, locked_until=None, updated_at=self._clock())
            .on_conflict_do_nothing(index_elements=[_va.uid])
        )
        row = self._conn.execute(
            select(_va.failures, _va.locked_until).where(_va.uid == uid).with_for_update()
        ).one()
        return AttemptCount(row.failures, row.locked_until)

    def _count(self, uid: str) -> AttemptCount:
        """The account's count as it stands, for showing; nothing is locked or written."""
        row = self._conn.execute(
            select(_va.failures, _va.locked_until).where(_va.uid == uid)
        ).first()
        return AttemptCount() if row is None else AttemptCount(row.failures, row.locked_until)

    def _count_failure(
        self,
        uid: str,
        count: AttemptCount,
        *,
        subject: str,
        method: str,
        policy: VerificationPolicy,
        now: datetime,
    ) -> NoReturn:
        """Record one more wrong try on ``count`` (read locked) and raise what it answers:
        the tries left, or the lock it started."""
        after = attempts.after_failure(count, policy, now)
        self._conn.execute(
            update(verification_attempts)
            .where(_va.uid == uid)
            .values(failures=after.failures, locked_until=after.locked_until, updated_at=now)
        )
        error = attempts.failure_error(after, policy, now)
        payload: dict[str, Any] = {"method": method, "failures": after.failures}
        if isinstance(error, VerificationLocked):
            for_good = attempts.locked_for_good(after, policy)
            until = None if for_good or after.locked_until is None else after.locked_until
            payload["locked_until"] = None if until is None else until.isoformat()
            self._record(uid, "verification.locked", subject, payload)
        else:
            payload["tries_left"] = attempts.tries_left(after, policy)
            self._record(uid, "verification.failed", subject, payload)
        raise error

    def _count_success(self, uid: str, now: datetime) -> None:
        """A right code: the count of consecutive wrong tries starts again."""
        self._conn.execute(
            update(verification_attempts)
            .where(_va.uid == uid)
            .values(failures=0, locked_until=None, updated_at=now)
        )

    # --- code sends -------------------------------------------------------------------

    def _sent_at(self, uid: str, channel: str, now: datetime) -> Sequence[datetime]:
        """When the account's codes of ``channel`` went out in the last hour, every
        closure request of it together (a cancelled one too)."""
        return (
            self._conn.execute(
                select(_ch.created_at)
                .join(closure_requests, closure_requests.c.id == _ch.request_id)
                .where(
                    closure_requests.c.uid == uid,
                    _ch.method == channel,
                    _ch.code_hash.is_not(None),
                    _ch.created_at > now - attempts.SEND_WINDOW,
                )
            )
            .scalars()
            .all()
        )

    def _next_code_at(self, uid: str, policy: VerificationPolicy) -> dict[str, datetime]:
        """For each channel whose sends are limited now, when the next code can go out."""
        now = self._clock()
        waits = {
            channel: attempts.next_send_at(self._sent_at(uid, channel, now), policy, now)
            for channel in sorted(OTP_METHODS)
        }
        return {channel: at for channel, at in waits.items() if at is not None}
