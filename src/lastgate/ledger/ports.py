"""The ports the services talk through; adapters implement them.

An exchange plugs its own systems in by implementing these protocols (docs/adapters.md).
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from lastgate.kernel.policy import Policy
from lastgate.ledger.model import AccountState


class AccountStateReader(Protocol):
    """Reads what the eligibility checks need about one account."""

    def load(self, uid: str, *, withdrawals_since: datetime) -> AccountState:
        """The account's state; raises ``AccountNotFound`` for an unknown UID."""
        ...


class PolicyBook(Protocol):
    """The policies in force, one per jurisdiction."""

    def for_jurisdiction(self, jurisdiction: str) -> Policy: ...

    @property
    def longest_withdrawal_window_days(self) -> int: ...
