"""Step-up verification on lastgate's database: authenticator apps (TOTP), one-time
codes sent by e-mail or SMS, and identity evidence files reviewed by agents. The codes
are here; the factors are in ``step_up_factors`` and the files in ``step_up_evidence``.

Storage, in the tables of ``workflow_tables``:

- ``second_factors``: one authenticator per customer, its secret sealed with the master
  key (``secret_box``); ``last_used_step`` is the last accepted time step, so a code is
  accepted once. A factor is confirmed once a first code was accepted (the step is set).
- ``verification_challenges``: one row per code sent (only its HMAC is kept). Sending a
  new code expires older ones at once (superseded); when the account's codes of a
  channel went out is what limits the next send.
- ``verification_attempts``: the account's count of wrong tries, every method and
  request together, and its lock (``step_up_limits``).
- ``evidence_files``: metadata of files kept by ``evidence_store``.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update

from lastgate.closure.adapters.step_up_base import closure_subject
from lastgate.closure.adapters.step_up_evidence import EvidenceFiles
from lastgate.closure.adapters.step_up_factors import TotpFactors
from lastgate.closure.adapters.tables import verification_challenges
from lastgate.closure.model import attempts
from lastgate.closure.model import verification as rules
from lastgate.closure.model.lifecycle import ClosureRequest
from lastgate.kernel.errors import InvalidInput
from lastgate.ledger.adapters import tables as ledger

_ch = verification_challenges.c


def _code_context(challenge_id: str) -> bytes:
    return f"verification_challenges.code:{challenge_id}".encode()


class SqlStepUp(TotpFactors, EvidenceFiles):
    """The ``StepUp`` port, plus authenticator enrolment and evidence upload: the one-time
    codes here, the factors and evidence files in their own modules."""

    # --- what the customer can verify with ---------------------------------------------

    def verification_options(self, uid: str) -> rules.VerificationOptions:
        """A confirmed authenticator, and the contact details the ledger has for codes."""
        factor, policy = self._factor(uid), self._policy_for(uid)
        contact = self._conn.execute(
            select(ledger.customers.c.email, ledger.customers.c.phone).where(
                ledger.customers.c.uid == uid
            )
        ).first()
        return rules.verification_options(
            policy,
            authenticator_since=(
                factor.enrolled_at
                if factor is not None and factor.last_used_step is not None
                else None
            ),
            email=None if contact is None else contact.email,
            phone=None if contact is None else contact.phone,
            now=self._clock(),
            count=self._count(uid),
            next_code_at=self._next_code_at(uid, policy),
            authenticator_wait=self._authenticator_wait(uid),
        )

    # --- one-time codes ---------------------------------------------------------------

    def send_code(self, request: ClosureRequest, channel: str) -> None:
        if channel not in rules.OTP_METHODS:
            raise InvalidInput(f"channel must be one of {', '.join(sorted(rules.OTP_METHODS))}")
        offered = {m.name for m in self.verification_options(request.uid).methods}
        if channel not in offered:
            # Without this the notifier would send nothing, and the customer wait for it.
            what = "e-mail address" if channel == rules.EMAIL else "phone number"
            raise InvalidInput(
                f"this account has no {what} to send a code to",
                details=[{"path": "method", "reason": "not_available"}],
            )
        now, policy = self._clock(), self._policy_for(request.uid)
        # While locked no code goes out; a send too soon changes nothing, not even the
        # code already sent, which stays good.
        attempts.ensure_may_try(self._locked_count(request.uid), policy, now)
        attempts.ensure_may_send(self._sent_at(request.uid, channel, now), policy, now)
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
            )
        )
        self._notifier.notify_customer(
            request.uid,
            "verification_code",
            {"code": code, "expires_at": expires_at.isoformat()},
            subject_ref=closure_subject(request.id),
            channels=[channel],
        )
        self._record(
            request.uid,
            "verification.code_sent",
            closure_subject(request.id),
            {"method": channel, "expires_at": expires_at.isoformat(), "superseded": superseded},
        )

    def check(self, request: ClosureRequest, method: str, code: str) -> None:
        if method not in rules.METHODS:
            raise InvalidInput(f"method must be one of {', '.join(sorted(rules.METHODS))}")
        now, policy = self._clock(), self._policy_for(request.uid)
        count = self._locked_count(request.uid)
        attempts.ensure_may_try(count, policy, now)
        code = rules.normalise_code(code)
        if method == rules.TOTP:
            self._refuse_if_too_new(request.uid, now)
            accepted = self._check_totp(request.uid, code, policy)
        else:
            accepted = self._check_otp(request.id, method, code, now)
        subject = closure_subject(request.id)
        if accepted:
            self._count_success(request.uid, now)
            self._record(request.uid, "verification.succeeded", subject, {"method": method})
            return
        self._count_failure(
            request.uid, count, subject=subject, method=method, policy=policy, now=now
        )

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

    @staticmethod
    def _unspent(request_id: str) -> tuple[Any, ...]:
        return (_ch.request_id == request_id, _ch.verified_at.is_(None))
