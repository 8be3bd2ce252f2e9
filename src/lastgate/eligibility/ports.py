"""What the eligibility service may be given from features above it, as ports: the
application wires the implementations in (``lastgate.app.api``)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from lastgate.eligibility.model.checks.restrictions import KeptLock
from lastgate.kernel.policy import DeskPolicy


class Certificates(Protocol):
    """Whether a closed account's closure certificate is issued yet (erasure knows)."""

    def issued(self, uid: str) -> bool: ...


class LockAppeals(Protocol):
    """Whether every active risk lock on the account was kept on a refused appeal (the
    desk decides appeals): the customer's risk-lock card then says that the lock stays
    instead of inviting an appeal (``model.checks.restrictions.kept_on_appeal``), and
    where to write: the appeal's ticket while it takes a reply, else a new ticket."""

    def kept_on_appeal(self, uid: str, policy: DeskPolicy, now: datetime) -> KeptLock | None:
        """The appeal that keeps the lock, and whether its ticket still takes a reply
        under ``policy`` at ``now``; ``None`` when the lock is not kept on appeal."""
        ...
