"""Fake step-up verification (one-time codes, identity evidence), and the remediation part
of the unit of work, which no faked use case reaches.

One-time codes are random, kept in clear in the ``Transaction`` and sent through the fake
notifier, so a test reads the code from the notice as a customer would.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import NoReturn

from lastgate.closure.model import attempts as limits
from lastgate.closure.model import verification as rules
from lastgate.closure.model.attempts import AttemptCount
from lastgate.closure.model.lifecycle import ClosureRequest
from lastgate.kernel.clock import Clock
from lastgate.kernel.errors import Conflict, InvalidInput, NotFound, VerificationLocked
from lastgate.kernel.policy import VerificationPolicy
from lastgate.ledger.model import CustomerStatus
from lastgate.platform.uploads import sniff
from lastgate.remediation.model import DustQuote, Holding
from tests.fakes.closure import FakeAudit, FakeNotifier
from tests.fakes.store import Challenge, StoredEvidence, Transaction

EVIDENCE_MAX_BYTES = 10 * 1024 * 1024


def _not_faked(what: str) -> NoReturn:
    raise NotImplementedError(f"{what} is not faked; test it against the database")


def _subject(request_id: str) -> str:
    return f"closure:{request_id}"


class FakeStepUp:
    """The ``StepUp`` port: codes by e-mail or SMS, evidence files; no authenticator apps."""

    def __init__(
        self,
        tx: Transaction,
        clock: Clock,
        notifier: FakeNotifier,
        audit: FakeAudit,
        policy: VerificationPolicy,
    ) -> None:
        self._tx, self._clock, self._notifier = tx, clock, notifier
        self._audit, self._policy = audit, policy

    def _record(self, actor: str, action: str, request_id: str, **payload: object) -> None:
        self._audit.record(
            actor=actor, action=action, subject=_subject(request_id), payload=payload
        )

    # -- one-time codes -------------------------------------------------------------------

    def send_code(self, request: ClosureRequest, channel: str) -> None:
        if channel not in rules.OTP_METHODS:
            raise InvalidInput(f"channel must be one of {', '.join(sorted(rules.OTP_METHODS))}")
        now, t = self._clock(), self._tx.tables
        limits.ensure_may_try(t.attempts.get(request.uid, AttemptCount()), self._policy, now)
        sent = [c.sent_at for c in t.challenges if c.uid == request.uid and c.method == channel]
        limits.ensure_may_send(sent, self._policy, now)
        t.challenges[:] = [  # a new code supersedes every earlier one
            replace(c, spent=True) if c.request_id == request.id else c for c in t.challenges
        ]
        code, expires_at = rules.new_code(), rules.code_expires_at(now, self._policy)
        sent_code = Challenge(request.id, channel, code, expires_at, uid=request.uid, sent_at=now)
        t.challenges.append(sent_code)
        self._notifier.notify_customer(
            request.uid,
            "verification_code",
            {"code": code, "expires_at": expires_at.isoformat()},
            subject_ref=_subject(request.id),
            channels=[channel],
        )
        self._record(request.uid, "verification.code_sent", request.id, method=channel)

    def check(self, request: ClosureRequest, method: str, code: str) -> None:
        if method not in rules.METHODS:
            raise InvalidInput(f"method must be one of {', '.join(sorted(rules.METHODS))}")
        if method == rules.TOTP:
            _not_faked("an authenticator code")
        now, t = self._clock(), self._tx.tables
        count = t.attempts.get(request.uid, AttemptCount())
        limits.ensure_may_try(count, self._policy, now)
        code = rules.normalise_code(code)
        for i, c in enumerate(t.challenges):
            live = c.request_id == request.id and c.method == method and not c.spent
            if live and c.expires_at > now and rules.constant_time_equal(c.code, code):
                t.challenges[i] = replace(c, spent=True)
                t.attempts.pop(request.uid, None)
                self._record(request.uid, "verification.succeeded", request.id, method=method)
                return
        after = t.attempts[request.uid] = limits.after_failure(count, self._policy, now)
        error = limits.failure_error(after, self._policy, now)
        action = "locked" if isinstance(error, VerificationLocked) else "failed"
        self._record(request.uid, f"verification.{action}", request.id, failures=after.failures)
        raise error

    # -- identity evidence ----------------------------------------------------------------

    def add_evidence(self, request: ClosureRequest, kind: str, content: bytes) -> str:
        content_type = rules.check_evidence(kind, sniff(content), len(content), EVIDENCE_MAX_BYTES)
        file = rules.EvidenceFile(
            id=str(uuid.uuid4()),
            kind=kind,
            content_type=content_type,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            uploaded_at=self._clock(),
        )
        self._tx.tables.evidence[file.id] = StoredEvidence(request.id, file, content)
        self._record(request.uid, "verification.evidence_uploaded", request.id, kind=kind)
        return file.id

    def _stored(self, request_id: str, evidence_id: str) -> StoredEvidence:
        stored = self._tx.tables.evidence.get(evidence_id)
        if stored is None or stored.request_id != request_id:
            raise NotFound(f"no evidence {evidence_id} for closure request {request_id}")
        return stored

    def list_evidence(self, request_id: str) -> list[rules.EvidenceFile]:
        files = [s.file for s in self._tx.tables.evidence.values() if s.request_id == request_id]
        return sorted(files, key=lambda f: f.uploaded_at)

    def read_evidence(self, request_id: str, evidence_id: str) -> tuple[str, Iterator[bytes]]:
        stored = self._stored(request_id, evidence_id)
        return stored.file.content_type, iter([stored.content])

    def evidence_complete(self, request_id: str) -> bool:
        return rules.evidence_complete(self.list_evidence(request_id))

    def review_evidence(
        self,
        request_id: str,
        evidence_id: str,
        *,
        agent: str,
        approve: bool,
        refusal: str | None = None,
    ) -> None:
        stored = self._stored(request_id, evidence_id)
        if stored.file.decision is not None:
            raise Conflict("this evidence was already reviewed; the customer may upload again")
        decision = rules.APPROVED if approve else rules.REJECTED
        reviewed = replace(
            stored.file,
            decision=decision,
            reviewed_by=agent,
            refusal=None if approve else refusal,
        )
        self._tx.tables.evidence[evidence_id] = replace(stored, file=reviewed)
        self._record(agent, "verification.evidence_reviewed", request_id, decision=decision)

    # -- authenticator apps: not faked ----------------------------------------------------

    def check_account_totp(self, uid: str, code: str) -> None:
        _not_faked("an authenticator code")

    def enroll_totp(self, uid: str) -> rules.TotpEnrolment:
        _not_faked("authenticator enrolment")

    def pending_totp(self, uid: str) -> rules.TotpEnrolment | None:
        _not_faked("authenticator enrolment")

    def confirm_totp(self, uid: str, code: str) -> None:
        _not_faked("authenticator enrolment")


class NotFakedRemediation:
    """The ``RemediationActions`` part: the closure use cases never reach it."""

    def account_status(self, uid: str, *, lock: bool = False) -> CustomerStatus:
        _not_faked("remediation")

    def dust_holdings(self, uid: str) -> Sequence[Holding]:
        _not_faked("remediation")

    def tradeable_prices(self, assets: Collection[str]) -> Mapping[str, Decimal | None]:
        _not_faked("remediation")

    def save_quote(self, quote: DustQuote) -> None:
        _not_faked("remediation")

    def find_quote(self, uid: str, quote_id: str) -> tuple[DustQuote, datetime | None] | None:
        _not_faked("remediation")

    def last_sweep_at(self, uid: str) -> datetime | None:
        _not_faked("remediation")

    def holds_quoted_balances(self, quote: DustQuote) -> bool:
        _not_faked("remediation")

    def claim_quote(self, quote_id: str, *, at: datetime, forfeit_consent: bool) -> bool:
        _not_faked("remediation")

    def sweep(self, quote: DustQuote, *, at: datetime, consent_by: str | None) -> None:
        _not_faked("remediation")

    def revoke_api_keys(self, uid: str, *, at: datetime) -> list[str]:
        _not_faked("remediation")

    def cancel_open_orders(self, uid: str, *, at: datetime) -> list[str]:
        _not_faked("remediation")

    def stop_automations(self, uid: str, *, at: datetime) -> list[str]:
        _not_faked("remediation")
