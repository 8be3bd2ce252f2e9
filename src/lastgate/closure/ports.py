"""Ports of the closure workflow: the unit of work and the stores and systems behind it.

A use case opens one ``UnitOfWork``; everything it changes through the unit's parts is
committed together or not at all. ``lastgate.closure.adapters.unit_of_work.SqlUnitOfWork`` is the
implementation on lastgate's database.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from types import TracebackType
from typing import Any, Protocol, Self

from lastgate.closure.model.lifecycle import ClosureRequest, ClosureState
from lastgate.closure.model.verification import (
    EvidenceFile,
    TotpEnrolment,
    VerificationOptions,
)
from lastgate.ledger.model import CustomerStatus, HoldKind
from lastgate.remediation.model import DustQuote, ForfeitLine, Holding


class ClosureRepository(Protocol):
    def add(self, request: ClosureRequest) -> None:
        """Store a new request; ``ClosureAlreadyOpen`` if the customer has an open one."""
        ...

    def get(self, request_id: str, *, lock: bool = False) -> ClosureRequest:
        """The request; ``NotFound`` if none. ``lock`` takes a row lock until commit."""
        ...

    def open_for(self, uid: str) -> ClosureRequest | None: ...

    def latest_for(self, uid: str) -> ClosureRequest | None: ...

    def last_rejected_for(self, uid: str) -> ClosureRequest | None:
        """The customer's latest request a person rejected (and no appeal overturned)."""
        ...

    def save(self, request: ClosureRequest) -> None:
        """Write ``request`` if the stored version is ``request.version - 1``;
        ``ConcurrentUpdate`` otherwise (someone else changed it first)."""
        ...

    def claim_due(self, now: datetime, limit: int) -> Sequence[ClosureRequest]:
        """Requests whose cooling-off has ended or whose execution was interrupted,
        locked for this transaction and skipped by other workers."""
        ...

    def in_states(self, states: Sequence[ClosureState], limit: int) -> Sequence[ClosureRequest]: ...


class AuditTrail(Protocol):
    def record(
        self, *, actor: str, action: str, subject: str, payload: Mapping[str, Any]
    ) -> None: ...


class AccountActions(Protocol):
    """What lastgate does to the account on the exchange's side."""

    def freeze(self, uid: str) -> None: ...

    def unfreeze(self, uid: str) -> None: ...

    def close(self, uid: str) -> None: ...

    def restrict_to_withdrawals(self, uid: str) -> None:
        """Withdraw-only: no deposits, trading, P2P or earn; withdrawals stay open.
        Independent of freezes: unfreezing leaves the restriction in place."""
        ...

    def lift_withdrawal_restriction(self, uid: str) -> None: ...


class Notifier(Protocol):
    """Notices to the customer on every verified channel, and events to the exchange.

    Both are written to the transactional outbox and delivered by the worker, so a
    notice goes out if and only if the change that caused it is committed.
    """

    def notify_customer(
        self,
        uid: str,
        topic: str,
        params: Mapping[str, str],
        *,
        subject_ref: str,
        deliver_after: datetime | None = None,
        channels: Sequence[str] | None = None,
        language: str | None = None,
    ) -> None:
        """``channels`` narrows the notice to some verified channels (a code asked for by
        e-mail goes by e-mail only); every verified channel when None. ``language`` is the
        notice's when it answers something the customer wrote in one (a ticket); when
        None, the customer's language setting."""
        ...

    def publish_event(
        self, topic: str, payload: Mapping[str, Any], *, subject_ref: str
    ) -> None: ...

    def void(self, subject_ref: str, topics: Sequence[str]) -> int:
        """Cancel undelivered notices of ``topics`` about ``subject_ref``; how many."""
        ...

    def remember_language(self, uid: str, language: str) -> None:
        """The language the customer used (``en``, ``zh_Hans``): their notices from now
        on are written in it."""
        ...


class Approvals(Protocol):
    """Decisions by people, kept so that a second approver must be a different person."""

    def record(
        self, subject: str, *, kind: str, actor: str, decision: str, note: str, at: datetime
    ) -> None: ...

    def actors(self, subject: str, kind: str) -> Sequence[str]: ...


class Freezes(Protocol):
    """Why an account is frozen: each cause is kept apart, so lifting one leaves others."""

    def add(self, uid: str, cause: str, *, at: datetime, unfreeze_after: datetime | None) -> str:
        """Record a freeze; returns its id."""
        ...

    def lift(self, uid: str, cause: str, *, at: datetime) -> bool:
        """Lift the active freeze of ``cause``; False if there was none."""
        ...

    def active_causes(self, uid: str) -> Sequence[str]: ...

    def last_lifted(self, uid: str, cause: str) -> datetime | None:
        """When the latest freeze of ``cause`` on ``uid`` was lifted; None if none was."""
        ...

    def active(self, uid: str, cause: str) -> tuple[str, datetime | None] | None:
        """(id, unfreeze_after) of the active freeze of ``cause``, if any."""
        ...


class StepUp(Protocol):
    """Step-up identity verification for one closure request (TOTP, one-time codes,
    document and selfie evidence reviewed by an agent)."""

    def send_code(self, request: ClosureRequest, channel: str) -> None:
        """Send a one-time code to a verified channel (``email`` or ``sms``)."""
        ...

    def check(self, request: ClosureRequest, method: str, code: str) -> None:
        """Accept a code (``totp``, ``email`` or ``sms``); ``VerificationFailed`` or
        ``VerificationLocked`` otherwise. Each accepted code is spent."""
        ...

    def evidence_complete(self, request_id: str) -> bool:
        """Every required kind of evidence is uploaded and approved by an agent."""
        ...

    def review_evidence(
        self,
        request_id: str,
        evidence_id: str,
        *,
        agent: str,
        approve: bool,
        refusal: str | None = None,
    ) -> None:
        """Record an agent's decision on one file, with why it was refused (an
        ``EvidenceRefusal`` code); ``Conflict`` if it was decided already."""
        ...

    def check_account_totp(self, uid: str, code: str) -> None:
        """Accept the customer's authenticator code outside a closure (unfreezing)."""
        ...

    def verification_options(self, uid: str) -> VerificationOptions:
        """What ``uid`` can verify with now: a confirmed authenticator (since when) and
        the channels they have for a one-time code, masked."""
        ...

    def enroll_totp(self, uid: str) -> TotpEnrolment:
        """A new authenticator secret for ``uid``, usable once confirmed."""
        ...

    def pending_totp(self, uid: str) -> TotpEnrolment | None:
        """The authenticator ``uid`` is setting up (enrolled, not yet confirmed), with the
        same secret each time; None when none is, or once it is confirmed."""
        ...

    def confirm_totp(self, uid: str, code: str) -> None: ...

    def add_evidence(self, request: ClosureRequest, kind: str, content: bytes) -> str:
        """Store one evidence file for ``request``; its id."""
        ...

    def list_evidence(self, request_id: str) -> list[EvidenceFile]: ...

    def read_evidence(self, request_id: str, evidence_id: str) -> tuple[str, Iterator[bytes]]:
        """(content type, content in chunks) of one file of ``request_id``."""
        ...


class Holds(Protocol):
    """Legal holds, AML investigations and risk locks on the ledger."""

    def place(self, uid: str, kind: HoldKind, *, reason: str, placed_by: str, at: datetime) -> str:
        """Record an active hold; returns its id."""
        ...

    def get(self, hold_id: str) -> tuple[str, HoldKind, datetime | None]:
        """(uid, kind, lifted_at) of a hold; ``NotFound`` if none."""
        ...

    def lift(self, hold_id: str, *, at: datetime) -> None: ...

    def active(self, uid: str) -> Sequence[HoldKind]: ...


class ErasureQueue(Protocol):
    def begin(self, uid: str, *, closure_id: str, closed_at: datetime) -> str:
        """Queue the erasure plan of a customer just closed; returns the run id."""
        ...


class RemediationActions(Protocol):
    """The remediation side of the account-actions port, inside one unit of work.

    ``lastgate.remediation.adapters.ledger.LedgerRemediationActions`` implements it on the
    reference ledger; an exchange implements it over its own systems.
    """

    def account_status(self, uid: str, *, lock: bool = False) -> CustomerStatus:
        """``AccountNotFound`` for an unknown UID; ``lock`` serialises the customer's sweeps."""
        ...

    def dust_holdings(self, uid: str, *, lock: bool = False) -> Sequence[Holding]:
        """Every non-zero balance with its asset's USD price and tradeability; ``lock``
        holds the balance rows until the unit of work ends (a forfeit reads, then writes)."""
        ...

    def tradeable_prices(self, assets: Collection[str]) -> Mapping[str, Decimal | None]:
        """USD price of each asset now; None when it has none or cannot be traded."""
        ...

    def save_quote(self, quote: DustQuote) -> None: ...

    def find_quote(self, uid: str, quote_id: str) -> tuple[DustQuote, datetime | None] | None:
        """The quote and when it was executed (None: not yet); None if it is not theirs."""
        ...

    def last_sweep_at(self, uid: str) -> datetime | None: ...

    def holds_quoted_balances(self, quote: DustQuote) -> bool:
        """Each quoted balance still holds exactly its quoted amount (and is locked)."""
        ...

    def claim_quote(self, quote_id: str, *, at: datetime, forfeit_consent: bool) -> bool:
        """Mark the quote executed; False if another execution claimed it first."""
        ...

    def sweep(self, quote: DustQuote, *, at: datetime, consent_by: str | None) -> None:
        """Empty the quoted balances, credit the net proceeds, record ledger entries."""
        ...

    def forfeit(
        self, uid: str, lines: Sequence[ForfeitLine], *, at: datetime, ref: str, consent_by: str
    ) -> None:
        """Empty the balances given up and record each in a ``dust_forfeit`` ledger entry."""
        ...

    def revoke_api_keys(self, uid: str, *, at: datetime) -> list[str]: ...

    def cancel_open_orders(self, uid: str, *, at: datetime) -> list[str]: ...

    def stop_automations(self, uid: str, *, at: datetime) -> list[str]: ...


class UnitOfWork(Protocol):
    @property
    def closures(self) -> ClosureRepository: ...

    @property
    def remediation(self) -> RemediationActions: ...

    @property
    def erasure(self) -> ErasureQueue: ...

    @property
    def holds(self) -> Holds: ...

    @property
    def step_up(self) -> StepUp: ...

    @property
    def freezes(self) -> Freezes: ...

    @property
    def audit(self) -> AuditTrail: ...

    @property
    def actions(self) -> AccountActions: ...

    @property
    def notifier(self) -> Notifier: ...

    @property
    def approvals(self) -> Approvals: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Commit when the block ends normally, roll back when it raises."""
        ...
