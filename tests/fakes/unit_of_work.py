"""The fake unit of work, the fake account reader, and a ``Workflow`` wired over them.

``fake_workflow`` is typed against the ports (``UnitOfWork``, ``AccountStateReader``,
``PolicyBook``), so ``mypy --strict`` checks that every fake has the shape of its port.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from functools import cache
from types import TracebackType
from typing import Any, Self

from lastgate.closure.ports import UnitOfWork
from lastgate.closure.service.steps import Workflow
from lastgate.kernel.clock import Clock
from lastgate.kernel.errors import AccountNotFound
from lastgate.kernel.policy import VerificationPolicy
from lastgate.ledger.model import (
    IN_FLIGHT_TRANSFER_STATUSES,
    AccountState,
    CustomerStatus,
    Kyc,
    KycStatus,
    TransferDirection,
)
from lastgate.ledger.ports import AccountStateReader, PolicyBook
from lastgate.platform.policy_files import PolicyDirectory
from tests.builders import PRICES
from tests.fakes.closure import (
    FakeAccountActions,
    FakeApprovals,
    FakeAudit,
    FakeClosures,
    FakeErasureQueue,
    FakeFreezes,
    FakeHolds,
    FakeNotifier,
)
from tests.fakes.step_up import FakeStepUp, NotFakedRemediation
from tests.fakes.store import FakeStore, Transaction


class FakeUnitOfWork:
    """Opens a working copy of the store on enter; commits it on a clean exit, drops it
    when the block raises. Its parts exist only inside the block, as with the real one."""

    closures: FakeClosures
    remediation: NotFakedRemediation
    erasure: FakeErasureQueue
    holds: FakeHolds
    step_up: FakeStepUp
    freezes: FakeFreezes
    audit: FakeAudit
    actions: FakeAccountActions
    notifier: FakeNotifier
    approvals: FakeApprovals

    def __init__(
        self, store: FakeStore, clock: Clock, verification: VerificationPolicy | None = None
    ) -> None:
        self._store, self._clock = store, clock
        self._verification = verification or VerificationPolicy()
        self._tx: Transaction | None = None

    def __enter__(self) -> Self:
        if self._tx is not None:
            raise RuntimeError("this unit of work is already open")
        tx = self._tx = Transaction(self._store)
        self.closures = FakeClosures(tx)
        self.remediation = NotFakedRemediation()
        self.erasure = FakeErasureQueue(tx)
        self.holds = FakeHolds(tx)
        self.freezes = FakeFreezes(tx)
        self.audit = FakeAudit(tx, self._clock)
        self.actions = FakeAccountActions(tx)
        self.notifier = FakeNotifier(tx)
        self.approvals = FakeApprovals(tx)
        self.step_up = FakeStepUp(tx, self._clock, self.notifier, self.audit, self._verification)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._tx is not None, "__exit__ without __enter__"
        tx, self._tx = self._tx, None
        tx.end(commit=exc_type is None)


class FakeAccounts:
    """The account reader over the store's committed ledger, as the real reader reads
    through its own connection. Keeps what it was asked, for tests of the callers."""

    def __init__(self, store: FakeStore) -> None:
        self._store = store
        self.loads: list[tuple[str, datetime]] = []

    def load(self, uid: str, *, withdrawals_since: datetime) -> AccountState:
        self.loads.append((uid, withdrawals_since))
        state = self._store.committed.accounts.get(uid)
        if state is None:
            raise AccountNotFound(f"no account with UID {uid}")
        recent = tuple(  # what the reference reader selects: in flight, or a recent withdrawal
            t
            for t in state.transfers
            if t.status in IN_FLIGHT_TRANSFER_STATUSES
            or (t.direction is TransferDirection.WITHDRAWAL and t.created_at >= withdrawals_since)
        )
        return replace(state, transfers=recent)


@cache
def shipped_policies() -> PolicyDirectory:
    """The policies lastgate ships (read once: TOML files, no database)."""
    return PolicyDirectory.load()


def account_state(uid: str = "U1000", *, jurisdiction: str = "EU", **fields: Any) -> AccountState:
    """A verified, clean, active account, like ``tests.builders.account``; ``fields``
    override any field of ``AccountState``."""
    base = AccountState(
        uid=uid,
        jurisdiction=jurisdiction,
        status=CustomerStatus.ACTIVE,
        kyc=Kyc(KycStatus.VERIFIED),
        prices={asset: Decimal(price) for asset, price in PRICES.items()},
    )
    return replace(base, **fields)


def fake_workflow(
    store: FakeStore,
    clock: Clock,
    *,
    accounts: FakeAccounts | None = None,
    public_base_url: str = "https://close.example",
) -> Workflow:
    """The closure use cases over the fakes and the shipped policies."""

    def unit_of_work() -> UnitOfWork:
        return FakeUnitOfWork(store, clock)

    reader: AccountStateReader = accounts or FakeAccounts(store)
    policies: PolicyBook = shipped_policies()
    return Workflow(
        unit_of_work=unit_of_work,
        accounts=reader,
        policies=policies,
        clock=clock,
        public_base_url=public_base_url,
    )
