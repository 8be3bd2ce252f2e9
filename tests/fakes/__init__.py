"""In-memory fakes of the closure workflow's ports, for unit tests of the services.

``FakeStore`` is the database; ``FakeUnitOfWork`` commits to it on a clean exit and
changes nothing when its block raises; ``FakeAccounts`` reads the committed ledger;
``fake_workflow`` wires the closure use cases over them and the shipped policies.
"""

from tests.fakes.store import FakeStore, Notice, Tables
from tests.fakes.unit_of_work import (
    FakeAccounts,
    FakeUnitOfWork,
    account_state,
    fake_workflow,
    shipped_policies,
)

__all__ = [
    "FakeAccounts",
    "FakeStore",
    "FakeUnitOfWork",
    "Notice",
    "Tables",
    "account_state",
    "fake_workflow",
    "shipped_policies",
]
