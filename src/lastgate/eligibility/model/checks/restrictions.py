"""Restrictions and identity: risk lock, KYC incomplete or disputed, legal hold and AML
investigation (their reasons are internal evidence, never the customer's)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from lastgate.eligibility.model.checks.result import iso, result
from lastgate.eligibility.model.report import (
    Action,
    CheckCode,
    CheckResult,
    CheckStatus,
    CustomerReport,
    Evidence,
    Remediation,
    Resolver,
)
from lastgate.kernel.messages import N_, Message
from lastgate.kernel.policy import Policy
from lastgate.ledger.model import (
    AccountState,
    HoldKind,
    KycStatus,
)


def _active_holds(state: AccountState, kinds: frozenset[HoldKind]) -> list[Evidence]:
    return [
        {"id": h.id, "kind": h.kind.value, "reason": h.reason, "placed_at": iso(h.placed_at)}
        for h in state.holds
        if h.active and h.kind in kinds
    ]


def check_risk_lock(state: AccountState, policy: Policy, now: datetime) -> CheckResult:
    holds = _active_holds(state, frozenset({HoldKind.RISK_LOCK}))
    return result(
        CheckCode.RISK_LOCK,
        bool(holds),
        Resolver.SUPPORT,
        ok=Message(N_("Your account is not restricted by risk control.")),
        fail=Message(N_("Your account is restricted by risk control.")),
        fix=Remediation(
            Action.CONTACT_SUPPORT, Message(N_("Appeal to support to have the restriction lifted."))
        ),
        detail=Message(
            N_("Risk lock active: {reasons}"), {"reasons": "; ".join(h["reason"] for h in holds)}
        ),
        internal_evidence=holds,
    )


#: The risk-lock card once an appeal of the lock was refused: the lock stays, and what is
#: left to do. The same words whatever lies behind the lock (no tipping off).
KEPT_ON_APPEAL = Remediation(
    Action.CONTACT_SUPPORT,
    Message(
        N_(
            "Your appeal was reviewed and the restriction stays: closing your account waits "
            "until it is lifted. Our answer is on your appeal ticket; if you have something "
            "new to tell us, reply there and we will look at it again."
        )
    ),
)


#: The same card once the appeal's ticket takes no more replies (its reopen window is
#: over): something new goes in a new ticket.
KEPT_ON_APPEAL_NEW_TICKET = Remediation(
    Action.CONTACT_SUPPORT,
    Message(
        N_(
            "Your appeal was reviewed and the restriction stays: closing your account waits "
            "until it is lifted. Our answer is on your appeal ticket; if you have something "
            "new to tell us, write to us in a new ticket."
        )
    ),
)


#: Where a lock kept on appeal leads: the appeal's ticket, with the answer, to reply on.
READ_APPEAL_ANSWER = N_("Read our answer and reply on your appeal")
#: ...or, once that ticket takes no more replies, the form of a new one on the same topic.
WRITE_NEW_TICKET = N_("Write to us in a new ticket")
NEW_LOCK_TICKET = "/web/tickets?category=account_locked#new"

#: The appeal's own ticket page once the lock was kept: the card's words, said from there.
KEPT_ON_THIS_APPEAL = N_(
    "Your appeal was reviewed and the restriction stays: closing your account waits until "
    "it is lifted. Our answer is in the messages below; if you have something new to tell "
    "us, reply here and we will look at it again."
)
KEPT_ON_THIS_APPEAL_NEW_TICKET = N_(
    "Your appeal was reviewed and the restriction stays: closing your account waits until "
    "it is lifted. Our answer is in the messages below; if you have something new to tell "
    "us, write to us in a new ticket."
)
#: ...and once the appeal was approved (every risk lock then active was lifted).
LIFTED_ON_THIS_APPEAL = N_(
    "Your appeal was approved and the restriction on your account was lifted. If you want "
    "to close your account, your self-check shows whether anything else is left to do."
)


@dataclass(frozen=True, slots=True)
class KeptLock:
    """A risk lock kept on a refused appeal: the refusal's ticket, and whether it still
    takes the customer's reply (``desk.model.tickets.takes_reply``)."""

    ticket_id: str
    takes_reply: bool

    @property
    def remediation(self) -> Remediation:
        return KEPT_ON_APPEAL if self.takes_reply else KEPT_ON_APPEAL_NEW_TICKET

    @property
    def way(self) -> tuple[str, str]:
        """Where the card, Help and the assistant lead (a path), and the button's words."""
        if self.takes_reply:
            return f"/web/tickets/{self.ticket_id}", READ_APPEAL_ANSWER
        return NEW_LOCK_TICKET, WRITE_NEW_TICKET

    @property
    def on_its_ticket(self) -> str:
        """What the appeal's own ticket page says (a msgid): the card's words, from there."""
        return KEPT_ON_THIS_APPEAL if self.takes_reply else KEPT_ON_THIS_APPEAL_NEW_TICKET


def risk_locked(report: CustomerReport) -> bool:
    """The risk-lock card blocks: only then does a refused appeal change its words."""
    return report.result(CheckCode.RISK_LOCK).status is CheckStatus.BLOCK


def kept_on_appeal(report: CustomerReport, kept: KeptLock) -> CustomerReport:
    """``report`` with its risk-lock card saying the lock stays after a refused appeal
    (``desk.service.appeals.lock_kept_on_appeal`` says when), not inviting an appeal."""
    checks = tuple(
        replace(c, remediation=kept.remediation)
        if c.code is CheckCode.RISK_LOCK and c.status is CheckStatus.BLOCK
        else c
        for c in report.checks
    )
    return replace(report, checks=checks)


#: The KYC states in which identity is not (or no longer) verified: closing waits for it.
#: The bulk sweep's SQL reads the same set (``eligibility.adapters.bulk_sql``).
KYC_INCOMPLETE_STATUSES = frozenset(
    {KycStatus.NOT_STARTED, KycStatus.PENDING, KycStatus.REJECTED, KycStatus.EXPIRED}
)


def check_kyc_incomplete(state: AccountState, policy: Policy, now: datetime) -> CheckResult:
    incomplete = state.kyc.status in KYC_INCOMPLETE_STATUSES
    return result(
        CheckCode.KYC_INCOMPLETE,
        incomplete,
        Resolver.USER,
        # Not "verified": a disputed identity passes here too (KYC_DISPUTED says what it
        # is, to staff only), and the customer must not read that it is verified.
        ok=Message(N_("Nothing is left for you to do in identity verification.")),
        fail=Message(N_("Your identity verification is not complete.")),
        fix=Remediation(
            Action.COMPLETE_KYC,
            Message(N_("Finish identity verification, or contact support.")),
        ),
        detail=Message(N_("KYC status: {status}"), {"status": state.kyc.status.value}),
        evidence=[{"kyc_status": state.kyc.status.value}] if incomplete else [],
    )


def check_kyc_disputed(state: AccountState, policy: Policy, now: datetime) -> CheckResult:
    disputed = state.kyc.status is KycStatus.DISPUTED or state.kyc.applicant_mismatch
    return result(
        CheckCode.KYC_DISPUTED,
        disputed,
        Resolver.SUPPORT,
        ok=Message(N_("Your identity is not in dispute.")),
        fail=Message(N_("Your identity needs to be confirmed by our support team.")),
        fix=Remediation(
            Action.CONTACT_SUPPORT,
            Message(N_("Open a ticket and attach your identity documents.")),
        ),
        detail=Message(
            N_("KYC status: {status}; the applicant's details do not match their documents.")
            if state.kyc.applicant_mismatch
            else N_("KYC status: {status}"),
            {"status": state.kyc.status.value},
        ),
    )


#: The holds the customer is shown as ``LEGAL_HOLD`` ("A legal restriction applies"), one
#: as the other; an AML investigation is not among them (``COMPLIANCE_REVIEW``, which the
#: customer's view folds into ``SUPPORT_REQUIRED``).
LEGAL_HOLD_KINDS = frozenset({HoldKind.JUDICIAL_FREEZE, HoldKind.LAW_ENFORCEMENT})


def check_legal_hold(state: AccountState, policy: Policy, now: datetime) -> CheckResult:
    holds = _active_holds(state, LEGAL_HOLD_KINDS)
    return result(
        CheckCode.LEGAL_HOLD,
        bool(holds),
        Resolver.COMPLIANCE,
        ok=Message(N_("No legal restriction applies to your account.")),
        fail=Message(N_("A legal restriction applies to your account.")),
        fix=Remediation(
            Action.NONE,
            Message(
                N_(
                    "You cannot lift this yourself; it ends when the legal restriction is "
                    "lifted. Support can answer your questions."
                )
            ),
        ),
        detail=Message(
            N_("Legal hold active: {reasons}"), {"reasons": "; ".join(h["reason"] for h in holds)}
        ),
        internal_evidence=holds,
    )


def check_compliance_review(state: AccountState, policy: Policy, now: datetime) -> CheckResult:
    holds = _active_holds(state, frozenset({HoldKind.AML_INVESTIGATION}))
    return result(
        CheckCode.COMPLIANCE_REVIEW,
        bool(holds),
        Resolver.COMPLIANCE,
        ok=Message(N_("No compliance investigation is open.")),
        fail=Message(N_("An AML investigation is open.")),
        fix=Remediation(Action.NONE, Message(N_("Compliance must close the investigation."))),
        detail=Message(
            N_("AML investigation open: {reasons}"),
            {"reasons": "; ".join(h["reason"] for h in holds)},
        ),
        internal_evidence=holds,
    )
