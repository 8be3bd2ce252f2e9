"""What the step-up adapters share: the connection, clock and settings, the sealing box
and evidence store, the customer's verification policy, and the audit record.

``SqlStepUp`` (``step_up``) is built from these parts: the factors (``step_up_factors``),
the evidence files (``step_up_evidence``) and the one-time codes.
"""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from lastgate.closure.adapters.evidence_store import EvidenceStore
from lastgate.closure.ports import AuditTrail, Notifier
from lastgate.kernel.clock import Clock
from lastgate.kernel.policy import Policy, VerificationPolicy
from lastgate.kernel.settings import Settings
from lastgate.ledger.adapters import tables as ledger
from lastgate.platform import audit_log
from lastgate.platform.policy_files import PolicyDirectory
from lastgate.platform.secret_box import SecretBox


@lru_cache(maxsize=8)
def _policies(folder: Path | None) -> PolicyDirectory:
    return PolicyDirectory.load(folder)


def closure_subject(request_id: str) -> str:
    return f"closure:{request_id}"


class StepUpBase:
    """The state and helpers every part of ``SqlStepUp`` uses."""

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

    # --- shared -----------------------------------------------------------------------

    def _policy_for(self, uid: str) -> VerificationPolicy:
        return self._policy if self._policy is not None else self._book_for(uid).verification

    def _authenticator_wait(self, uid: str) -> timedelta:
        """How old an authenticator must be to confirm a closure: the security wait after
        a change to the account's security (``verification.authenticator_matures``)."""
        return timedelta(days=self._book_for(uid).eligibility.security_cooldown_days)

    def _book_for(self, uid: str) -> Policy:
        jurisdiction = self._conn.execute(
            select(ledger.customers.c.jurisdiction).where(ledger.customers.c.uid == uid)
        ).scalar()
        return _policies(self._settings.policy_dir).for_jurisdiction(jurisdiction or "DEFAULT")

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
