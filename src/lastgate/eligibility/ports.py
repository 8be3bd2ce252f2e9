"""What the eligibility service may be given from features above it, as ports: the
application wires the implementations in (``lastgate.app.api``)."""

from __future__ import annotations

from typing import Protocol


class Certificates(Protocol):
    """Whether a closed account's closure certificate is issued yet (erasure knows)."""

    def issued(self, uid: str) -> bool: ...


class LockAppeals(Protocol):
    """Whether every active risk lock on the account was kept on a refused appeal (the
    desk decides appeals): the customer's risk-lock card then says that the lock stays
    instead of inviting an appeal (``model.checks.restrictions.kept_on_appeal``)."""

    def kept_on_appeal(self, uid: str) -> bool: ...
