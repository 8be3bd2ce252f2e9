"""Step-up verification on lastgate's database: authenticator apps (TOTP), one-time
codes sent by e-mail or SMS, and identity evidence files reviewed by agents.

Storage, in the tables of ``workflow_tables``:

- ``second_factors``: one authenticator per customer, its secret sealed with the master
  key (``secret_box``); ``last_used_step`` is the last accepted time step, so a code is
  accepted once. A factor is confirmed once a first code was accepted (the step is set).
- ``verification_challenges``: one row per code sent (only its HMAC is kept) and rows
  that count wrong tries; the wrong tries of every row of a request not yet locked or
  spent add up to the request's failure count. Sending a new code expires older ones
  at once (superseded). Reaching the limit stamps ``locked_at`` on those rows.
- ``evidence_files``: metadata of files kept by ``evidence_store``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyotp
from sqlalchemy import Connection, Row, event, func, insert, select, update

from lastgate.closure.adapters.evidence_store import EvidenceStore
from lastgate.closure.adapters.tables import evidence_files, second_factors, verification_challenges
from lastgate.closure.model import verification as rules
from lastgate.closure.model.lifecycle import ClosureRequest
from lastgate.closure.ports import AuditTrail, Notifier
from lastgate.kernel.clock import Clock
from lastgate.kernel.errors import Conflict, InvalidInput, NotFound, VerificationFailed
from lastgate.kernel.policy import VerificationPolicy
from lastgate.kernel.settings import Settings
from lastgate.ledger.adapters import tables as ledger
from lastgate.platform import audit_log
from lastgate.platform.policy_files import PolicyDirectory
from lastgate.platform.secret_box import SecretBox

_ch = verification_challenges.c
_sf = second_factors.c
_ev = evidence_files.c


@lru_cache(maxsize=8)
def _policies(folder: Path | None) -> PolicyDirectory:
    return PolicyDirectory.load(folder)


def _subject(request_id: str) -> str:
    return f"closure:{request_id}"


def _totp_context(uid: str) -> bytes:
    return f"second_factors.secret:{uid}".encode()


def _code_context(challenge_id: str) -> bytes:
    return f"verification_challenges.code:{challenge_id}".encode()


class SqlStepUp:
    """The ``StepUp`` port, plus authenticator enrolment and evidence upload."""

    def __init__(
        self,
        conn: Connection,
        clock: Clock,
        settings: Settings,
        notifier: Notifier,
        *,
        audit: AuditTrail | None = None,
        policy: VerificationPolicy | None = None,
    ) -> None:
        self._conn, self._clock, self._settings = conn, clock, settings
        self._notifier, self._audit, self._policy = notifier, audit, policy
        self._box = SecretBox.from_settings(settings)
        self.evidence = EvidenceStore.from_settings(settings)

    # --- one-time codes ---------------------------------------------------------------

    def send_code(self, request: ClosureRequest, channel: str) -> None:
        if channel not in rules.OTP_METHODS:
            raise InvalidInput(f"channel must be one of {', '.join(sorted(rules.OTP_METHODS))}")
        now, policy = self._clock(), self._policy_for(request.uid)
        rules.ensure_not_locked(self._last_lock(request.id), policy, now)
        superseded = self._conn.execute(
            update(verification_challenges)
            .where(*self._unspent(request.id), _ch.code_hash.is_not(None), _ch.expires_at > now)
            .values(expires_at=now)
        ).rowcount
        challenge_id, code = str(uuid.uuid4()), rules.new_code()
        expires_at = rules.code_expires_at(now, policy)
        self._conn.execute(
            insert(verification_challenges).values(
                id=challenge_id,
                request_id=request.id,
                method=channel,
                code_hash=self._box.digest(code.encode(), context=_code_context(challenge_id)),
                created_at=now,
                expires_at=expires_at,
                attempts=0,
            )
        )
        self._notifier.notify_customer(
            request.uid,
            "verification_code",
            {"code": code, "expires_at": expires_at.isoformat()},
            subject_ref=_subject(request.id),
            channels=[channel],
        )
        self._record(
            request.uid,
            "verification.code_sent",
            _subject(request.id),
            {"method": channel, "expires_at": expires_at.isoformat(), "superseded": superseded},
        )

    def check(self, request: ClosureRequest, method: str, code: str) -> None:
        if method not in rules.METHODS:
            raise InvalidInput(f"method must be one of {', '.join(sorted(rules.METHODS))}")
        now, policy = self._clock(), self._policy_for(request.uid)
        rules.ensure_not_locked(self._last_lock(request.id), policy, now)
        code = rules.normalise_code(code)
        if method == rules.TOTP:
            accepted = self._check_totp(request.uid, code, policy)
        else:
            accepted = self._check_otp(request.id, method, code, now)
        if accepted:
            self._record(
                request.uid, "verification.succeeded", _subject(request.id), {"method": method}
            )
            return
        self._count_failure(request, method, policy, now)

    def _check_otp(self, request_id: str, method: str, code: str, now: datetime) -> bool:
        current = self._conn.execute(
            select(_ch.id, _ch.code_hash).where(
                *self._unspent(request_id),
                _ch.method == method,
                _ch.code_hash.is_not(None),
                _ch.expires_at > now,
            )
        ).first()
        if current is None or not rules.is_well_formed(code):
            return False
        if not self._box.digest_matches(
            code.encode(), current.code_hash, context=_code_context(current.id)
        ):
            return False
        spent = self._conn.execute(
            update(verification_challenges)
            .where(_ch.id == current.id, _ch.verified_at.is_(None))
            .values(verified_at=now)
        ).rowcount
        return spent == 1

    def _count_failure(
        self, request: ClosureRequest, method: str, policy: VerificationPolicy, now: datetime
    ) -> None:
        counter = self._conn.execute(
            select(_ch.id)
            .where(*self._unspent(request.id), _ch.method == method)
            .order_by(_ch.expires_at.desc(), _ch.created_at.desc())
            .limit(1)
        ).scalar()
        if counter is None:
            # A try with no code of this method to count it on (an authenticator, or
            # no code sent yet) gets a row of its own: every wrong try counts.
            counter = str(uuid.uuid4())
            self._conn.execute(
                insert(verification_challenges).values(
                    id=counter,
                    request_id=request.id,
                    method=method,
                    created_at=now,
                    expires_at=now,
                    attempts=0,
                )
            )
        self._conn.execute(
            update(verification_challenges)
            .where(_ch.id == counter)
            .values(attempts=_ch.attempts + 1)
        )
        failures = int(
            self._conn.execute(
                select(func.coalesce(func.sum(_ch.attempts), 0)).where(*self._unspent(request.id))
            ).scalar_one()
        )
        subject = _subject(request.id)
        if rules.failure_locks(failures, policy):
            self._conn.execute(
                update(verification_challenges)
                .where(*self._unspent(request.id))
                .values(locked_at=now)
            )
            until = rules.lock_ends_at(now, policy)
            self._record(
                request.uid,
                "verification.locked",
                subject,
                {"method": method, "failures": failures, "locked_until": until.isoformat()},
            )
            raise rules.locked_error(until)
        self._record(
            request.uid,
            "verification.failed",
            subject,
            {
                "method": method,
                "failures": failures,
                "tries_left": rules.tries_left(failures, policy),
            },
        )
        raise rules.failed_error(failures, policy)

    @staticmethod
    def _unspent(request_id: str) -> tuple[Any, ...]:
        return (
            _ch.request_id == request_id,
            _ch.verified_at.is_(None),
            _ch.locked_at.is_(None),
        )

    def _last_lock(self, request_id: str) -> datetime | None:
        value: datetime | None = self._conn.execute(
            select(func.max(_ch.locked_at)).where(_ch.request_id == request_id)
        ).scalar()
        return value

    # --- authenticator apps (TOTP) ----------------------------------------------------

    def enroll_totp(self, uid: str) -> rules.TotpEnrolment:
        """A new authenticator secret for ``uid``, replacing one not yet confirmed;
        ``Conflict`` if a confirmed authenticator exists (replacing it is a reset that
        goes through support, not a self-service step)."""
        row = self._factor(uid)
        if row is not None and row.last_used_step is not None:
            raise Conflict("an authenticator app is already set up for this account")
        secret = pyotp.random_base32()
        values = {
            "kind": rules.TOTP,
            "secret": self._box.seal(secret.encode(), context=_totp_context(uid)),
            "enrolled_at": self._clock(),
            "last_used_step": None,
            "failed_attempts": 0,
            "locked_at": None,
        }
        if row is None:
            self._conn.execute(insert(second_factors).values(uid=uid, **values))
        else:
            self._conn.execute(update(second_factors).where(_sf.uid == uid).values(**values))
        uri = pyotp.TOTP(secret).provisioning_uri(
            name=uid, issuer_name=self._settings.certificate_issuer
        )
        self._record(uid, "verification.totp_enrolled", f"customer:{uid}", {})
        return rules.TotpEnrolment(secret=secret, provisioning_uri=uri)

    def confirm_totp(self, uid: str, code: str) -> None:
        """Accept the first code of a new authenticator, which makes it usable."""
        row = self._factor(uid)
        if row is None:
            raise NotFound("no authenticator app is being set up for this account")
        if row.last_used_step is not None:
            raise Conflict("the authenticator app is already confirmed")
        if not self._accept_totp(row, rules.normalise_code(code), self._policy_for(uid)):
            self._record(uid, "verification.totp_confirm_failed", f"customer:{uid}", {})
            raise VerificationFailed(
                "the code is not valid; check the time on your phone and try again",
                details=[{"path": "code", "reason": "invalid"}],
            )
        self._record(uid, "verification.totp_confirmed", f"customer:{uid}", {})

    def check_account_totp(self, uid: str, code: str) -> None:
        """Accept ``uid``'s authenticator code outside a closure (lifting a freeze).

        Wrong tries count on the factor itself, with the same limit and lockout as a
        closure request's."""
        now, policy = self._clock(), self._policy_for(uid)
        subject = f"account:{uid}"
        row = self._confirmed_factor(uid)
        rules.ensure_not_locked(row.locked_at, policy, now)
        if self._accept_totp(row, rules.normalise_code(code), policy):
            self._conn.execute(
                update(second_factors).where(_sf.uid == uid).values(failed_attempts=0)
            )
            self._record(uid, "verification.succeeded", subject, {"method": rules.TOTP})
            return
        if row.locked_at is not None:  # a lock that has ended: the count starts again
            restart = (_sf.uid == uid) & (_sf.locked_at == row.locked_at)
            self._conn.execute(
                update(second_factors).where(restart).values(failed_attempts=0, locked_at=None)
            )
        failures = int(
            self._conn.execute(
                update(second_factors)
                .where(_sf.uid == uid)
                .values(failed_attempts=_sf.failed_attempts + 1)
                .returning(_sf.failed_attempts)
            ).scalar_one()
        )
        payload: dict[str, Any] = {"method": rules.TOTP, "failures": failures}
        if rules.failure_locks(failures, policy):
            self._conn.execute(update(second_factors).where(_sf.uid == uid).values(locked_at=now))
            until = rules.lock_ends_at(now, policy)
            self._record(
                uid, "verification.locked", subject, {**payload, "locked_until": until.isoformat()}
            )
            raise rules.locked_error(until)
        payload["tries_left"] = rules.tries_left(failures, policy)
        self._record(uid, "verification.failed", subject, payload)
        raise rules.failed_error(failures, policy)

    def _check_totp(self, uid: str, code: str, policy: VerificationPolicy) -> bool:
        return self._accept_totp(self._confirmed_factor(uid), code, policy)

    def _confirmed_factor(self, uid: str) -> Row[Any]:
        row = self._factor(uid)
        if row is None or row.last_used_step is None:
            raise VerificationFailed(
                "no authenticator app is set up for this account",
                details=[{"path": "method", "reason": "not_enrolled"}],
            )
        return row

    def _accept_totp(self, row: Row[Any], code: str, policy: VerificationPolicy) -> bool:
        """Whether ``code`` is a fresh code of the factor in ``row``; spends its step."""
        if not rules.is_well_formed(code):
            return False
        context = _totp_context(row.uid)
        totp = pyotp.TOTP(self._box.open_(row.secret, context=context).decode())
        matched = None
        for step in rules.candidate_steps(self._clock(), policy):
            # Every candidate is compared, in constant time, whatever matched before.
            if rules.constant_time_equal(totp.generate_otp(step), code) and matched is None:
                matched = step
        if matched is None or rules.is_replay(matched, row.last_used_step):
            return False
        values: dict[str, Any] = {"last_used_step": matched}
        if self._box.needs_reseal(row.secret):
            values["secret"] = self._box.reseal(row.secret, context=context)
        # The guard on the stored step makes two concurrent uses of one code spend it once.
        spent = self._conn.execute(
            update(second_factors)
            .where(
                _sf.uid == row.uid,
                (_sf.last_used_step.is_(None)) | (_sf.last_used_step < matched),
            )
            .values(**values)
        ).rowcount
        return spent == 1

    def _factor(self, uid: str) -> Row[Any] | None:
        return self._conn.execute(
            select(second_factors).where(_sf.uid == uid, _sf.kind == rules.TOTP)
        ).first()

    # --- identity evidence ------------------------------------------------------------

    def add_evidence(self, request: ClosureRequest, kind: str, content: bytes) -> str:
        """Store an evidence file for ``request``; its id. The file is removed again if
        the transaction rolls back."""
        stored = self.evidence.put(kind, content)
        event.listen(self._conn, "rollback", lambda _conn: self.evidence.delete(stored.storage_key))
        evidence_id = str(uuid.uuid4())
        self._conn.execute(
            insert(evidence_files).values(
                id=evidence_id,
                request_id=request.id,
                kind=kind,
                content_type=stored.content_type,
                size=stored.size,
                sha256=stored.sha256,
                storage_key=stored.storage_key,
                uploaded_at=self._clock(),
            )
        )
        self._record(
            request.uid,
            "verification.evidence_uploaded",
            _subject(request.id),
            {
                "evidence_id": evidence_id,
                "kind": kind,
                "content_type": stored.content_type,
                "size": stored.size,
                "sha256": stored.sha256,
            },
        )
        return evidence_id

    def list_evidence(self, request_id: str) -> list[rules.EvidenceFile]:
        rows = self._conn.execute(
            select(evidence_files)
            .where(_ev.request_id == request_id)
            .order_by(_ev.uploaded_at, _ev.id)
        )
        return [_evidence(r) for r in rows]

    def read_evidence(self, request_id: str, evidence_id: str) -> tuple[str, Iterator[bytes]]:
        """(content type, content in chunks) of one file of ``request_id``."""
        row = self._evidence_row(request_id, evidence_id)
        return row.content_type, self.evidence.read(row.storage_key)

    def evidence_complete(self, request_id: str) -> bool:
        return rules.evidence_complete(self.list_evidence(request_id))

    def review_evidence(
        self, request_id: str, evidence_id: str, *, agent: str, approve: bool
    ) -> None:
        row = self._evidence_row(request_id, evidence_id)
        decision = rules.APPROVED if approve else rules.REJECTED
        decided = self._conn.execute(
            update(evidence_files)
            .where(_ev.id == evidence_id, _ev.review_decision.is_(None))
            .values(reviewed_by=agent, review_decision=decision, reviewed_at=self._clock())
        ).rowcount
        if decided != 1:
            raise Conflict("this evidence was already reviewed; the customer may upload again")
        self._record(
            agent,
            "verification.evidence_reviewed",
            _subject(request_id),
            {"evidence_id": evidence_id, "kind": row.kind, "decision": decision},
        )

    def _evidence_row(self, request_id: str, evidence_id: str) -> Row[Any]:
        row = self._conn.execute(
            select(evidence_files).where(_ev.id == evidence_id, _ev.request_id == request_id)
        ).first()
        if row is None:
            raise NotFound(f"no evidence {evidence_id} for closure request {request_id}")
        return row

    # --- shared -----------------------------------------------------------------------

    def _policy_for(self, uid: str) -> VerificationPolicy:
        if self._policy is not None:
            return self._policy
        jurisdiction = self._conn.execute(
            select(ledger.customers.c.jurisdiction).where(ledger.customers.c.uid == uid)
        ).scalar()
        book = _policies(self._settings.policy_dir)
        return book.for_jurisdiction(jurisdiction or "DEFAULT").verification

    def _record(self, actor: str, action: str, subject: str, payload: dict[str, Any]) -> None:
        if self._audit is not None:
            self._audit.record(actor=actor, action=action, subject=subject, payload=payload)
        else:
            audit_log.append(
                self._conn,
                now=self._clock(),
                actor=actor,
                action=action,
                subject=subject,
                payload=payload,
            )


def _evidence(row: Row[Any]) -> rules.EvidenceFile:
    return rules.EvidenceFile(
        id=row.id,
        kind=row.kind,
        content_type=row.content_type,
        size=row.size,
        sha256=row.sha256,
        uploaded_at=row.uploaded_at,
        decision=row.review_decision,
        reviewed_by=row.reviewed_by,
    )
