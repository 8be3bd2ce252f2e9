"""Use cases of step-up verification outside the closure state machine: setting up an
authenticator app, and uploading identity evidence for a closure request.

Each function takes a unit of work not yet entered and runs in it: it commits whole or
changes nothing. Checking codes and reviewing evidence happen inside the closure use
cases (``lastgate.closure.service.workflow``) through the ``StepUp`` port.
"""

from __future__ import annotations

from lastgate.closure.model.lifecycle import ClosureRequest, ClosureState, IllegalTransition
from lastgate.closure.model.verification import (
    EVIDENCE_TYPES,
    EvidenceRefusal,
    EvidenceRefused,
    EvidenceStanding,
    TotpEnrolment,
    VerificationOptions,
    evidence_standing,
    refusals,
)
from lastgate.closure.ports import UnitOfWork
from lastgate.closure.service.closed import ensure_open
from lastgate.kernel.access import Principal, ensure_account_holder
from lastgate.kernel.errors import Conflict, NotFound

#: States in which evidence may still be sent: before verification is complete.
EVIDENCE_STATES = frozenset({ClosureState.DRAFT, ClosureState.VERIFYING})


def verification_options(uow: UnitOfWork, uid: str) -> VerificationOptions:
    """What the customer can verify with: only these methods are offered to them."""
    with uow:
        return uow.step_up.verification_options(uid)


def enroll_totp(uow: UnitOfWork, principal: Principal, uid: str) -> TotpEnrolment:
    """Start setting up an authenticator app: a new secret and its ``otpauth://`` URI
    (shown as a QR code, again by ``pending_totp``), replacing one not yet confirmed. It
    is usable after ``confirm_totp``. ``AccountClosed`` on a closed account, as for
    ``confirm_totp``. The account holder's alone."""
    ensure_account_holder(principal, uid)
    with uow:
        ensure_open(uow, uid)
        return uow.step_up.enroll_totp(uid)


def pending_totp(uow: UnitOfWork, principal: Principal, uid: str) -> TotpEnrolment | None:
    """The authenticator being set up, the same secret and URI however often the set-up
    page is opened (a reload, Back) until ``confirm_totp`` or a new ``enroll_totp``; None
    when none is pending. ``AccountClosed`` on a closed account. The account holder's
    alone."""
    ensure_account_holder(principal, uid)
    with uow:
        ensure_open(uow, uid)
        return uow.step_up.pending_totp(uid)


def confirm_totp(uow: UnitOfWork, principal: Principal, uid: str, code: str) -> None:
    """Finish setting up an authenticator app with a first code from it;
    ``VerificationFailed`` if the code is wrong. The account holder's alone. The customer
    is told on every channel, with when it can confirm a closure
    (``verification.authenticator_matures``) and where to freeze the account should it
    not have been them: a session alone sets one up."""
    ensure_account_holder(principal, uid)
    with uow:
        ensure_open(uow, uid)
        uow.step_up.confirm_totp(uid, code)
        options = uow.step_up.verification_options(uid)
        added = options.authenticator_since
        if added is not None:
            usable = options.authenticator_usable_from or added
            uow.notifier.notify_customer(
                uid,
                "authenticator_added",
                {"added_at": added.isoformat(), "usable_at": usable.isoformat()},
                subject_ref=f"account:{uid}",
            )


def upload_evidence(
    uow: UnitOfWork,
    principal: Principal,
    request_id: str,
    kind: str,
    content: bytes,
    *,
    filename: str | None = None,
) -> str:
    """Store a ``document`` or ``selfie`` for the customer's own closure request; the
    evidence id. Staff may not (the evidence proves the holder is there). ``filename``
    is what the customer's file was called: it neither names nor types the stored file
    (its bytes do), so it is not kept.
    """
    del filename  # accepted so callers can pass what they got; deliberately unused
    if kind not in EVIDENCE_TYPES:
        raise EvidenceRefused(
            f"kind must be one of {', '.join(sorted(EVIDENCE_TYPES))}",
            details=[{"path": "kind", "reason": "unknown_kind"}],
        )
    with uow:
        request = _request_of(uow, principal, request_id)
        ensure_account_holder(principal, request.uid)
        if request.state not in EVIDENCE_STATES:
            raise IllegalTransition(
                f"the request is {request.state.value}; evidence is no longer taken"
            )
        if not request.needs_evidence:
            raise Conflict("this closure request needs no identity evidence")
        return uow.step_up.add_evidence(request, kind, content)


def evidence_standing_of(
    uow: UnitOfWork, principal: Principal, request_id: str
) -> tuple[dict[str, EvidenceStanding], dict[str, EvidenceRefusal]]:
    """Where each kind of evidence the customer's own request needs stands, and why each
    kind whose latest file was refused was (nothing else of the files themselves); both
    empty when the request needs none."""
    with uow:
        if not _request_of(uow, principal, request_id).needs_evidence:
            return {}, {}
        files = uow.step_up.list_evidence(request_id)
        return evidence_standing(files), refusals(files)


def _request_of(uow: UnitOfWork, principal: Principal, request_id: str) -> ClosureRequest:
    """The request, if it is the principal's own or they are staff; someone else's is
    not found, so ids cannot be probed."""
    request = uow.closures.get(request_id)
    if request.uid != principal.subject and not principal.is_staff:
        raise NotFound(f"no closure request {request_id}")
    return request
