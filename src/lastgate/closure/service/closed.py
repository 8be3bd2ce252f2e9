"""The guard of a closed account, where each use case acting on an account begins: the
closure, the freeze and its undoing, a new second factor (and remediation's fixes). The
rule itself is the ledger's, ``lastgate.ledger.model.refuse_if_closed``; these read the
status it needs, from the account reader or inside the caller's unit of work."""

from __future__ import annotations

from lastgate.closure.ports import UnitOfWork
from lastgate.closure.service.steps import Workflow
from lastgate.kernel.access import Principal, ensure_may_read_account
from lastgate.ledger.model import AccountState, CustomerStatus, refuse_if_closed


def open_account(wf: Workflow, principal: Principal, uid: str) -> AccountState:
    """The account as it is now, for a caller who may read it; ``AccountClosed`` (409
    ``ACCOUNT_CLOSED``) when it is closed."""
    ensure_may_read_account(principal, uid)
    state = wf.accounts.load(uid, withdrawals_since=wf.clock())
    refuse_if_closed(state.status)
    return state


def ensure_open(uow: UnitOfWork, uid: str, *, lock: bool = False) -> CustomerStatus:
    """The same guard inside an entered unit of work, for the use cases handed one; the
    status read (``lock``: row-locked until commit) is returned for the caller's checks."""
    status = uow.remediation.account_status(uid, lock=lock)
    refuse_if_closed(status)
    return status
