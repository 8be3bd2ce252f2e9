"""The eligibility report: what each check found, and the customer's report made from it.

Two types: ``EligibilityReport`` (internal, for staff and the system's own decisions) and
``CustomerReport`` (what a customer may see). The only way from the first to the second
is ``customer_view``; there is no way back. Check codes are a public contract: never
renamed, only added.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Generic, TypeVar

from lastgate.kernel.messages import N_, Message
from lastgate.ledger.model import CustomerStatus


class CheckStatus(StrEnum):
    PASS = "pass"
    BLOCK = "block"
    REVIEW = "review"


class Resolver(StrEnum):
    USER = "user"
    SUPPORT = "support"
    COMPLIANCE = "compliance"
    TIME = "time"


class CheckCode(StrEnum):
    ASSETS_REMAINING = "ASSETS_REMAINING"
    DUST_REMAINING = "DUST_REMAINING"
    DEPOSIT_PENDING = "DEPOSIT_PENDING"
    WITHDRAWAL_PENDING = "WITHDRAWAL_PENDING"
    OPEN_ORDERS = "OPEN_ORDERS"
    OPEN_POSITIONS = "OPEN_POSITIONS"
    OUTSTANDING_LOANS = "OUTSTANDING_LOANS"
    ACTIVE_EARN = "ACTIVE_EARN"
    ACTIVE_AUTOMATION = "ACTIVE_AUTOMATION"
    P2P_ORDER_OPEN = "P2P_ORDER_OPEN"
    DISPUTE_OPEN = "DISPUTE_OPEN"
    API_KEYS_ACTIVE = "API_KEYS_ACTIVE"
    SUB_ACCOUNTS_OPEN = "SUB_ACCOUNTS_OPEN"
    SECURITY_COOLDOWN = "SECURITY_COOLDOWN"
    RISK_LOCK = "RISK_LOCK"
    WITHDRAWAL_REVIEW = "WITHDRAWAL_REVIEW"
    KYC_INCOMPLETE = "KYC_INCOMPLETE"
    KYC_DISPUTED = "KYC_DISPUTED"
    LEGAL_HOLD = "LEGAL_HOLD"
    COMPLIANCE_REVIEW = "COMPLIANCE_REVIEW"
    # Only in the customer's view: stands in for every blocker only support can resolve
    # and whose detail is not the customer's (``SUPPORT_ONLY_CODES``), so that a customer
    # under investigation sees the same thing as one whose identity is in dispute.
    SUPPORT_REQUIRED = "SUPPORT_REQUIRED"


#: Checks whose very name is for compliance only (an AML investigation).
CONFIDENTIAL_CODES = frozenset({CheckCode.COMPLIANCE_REVIEW})
#: Checks a customer sees only as ``SUPPORT_REQUIRED``: the confidential ones and the
#: ordinary cases that, like them, only support resolves and whose detail is internal
#: (an identity in dispute: the applicant is not the verified person, or KYC disputed).
#: So ``SUPPORT_REQUIRED`` blocking names no investigation (docs/checks.md).
SUPPORT_ONLY_CODES = CONFIDENTIAL_CODES | {CheckCode.KYC_DISPUTED}


def waits_on_us(status: CheckStatus) -> bool:
    """Whether a check that does not pass is ours to act on, not the customer's: a review
    (the closure may go ahead, a person reviews the request first). The self-check lists
    it under "Waiting on us", with no fix to make; every other check that does not pass is
    the customer's to fix or see through, under "What to fix". The one home of the rule."""
    return status is CheckStatus.REVIEW


class Action(StrEnum):
    """What fixes a blocker; the pages turn the ones lastgate can do into buttons."""

    WITHDRAW = "withdraw"
    SWEEP_DUST = "sweep_dust"
    WAIT = "wait"
    CANCEL_ORDERS = "cancel_orders"
    CLOSE_POSITIONS = "close_positions"
    REPAY_LOANS = "repay_loans"
    REDEEM_EARN = "redeem_earn"
    STOP_AUTOMATIONS = "stop_automations"
    SETTLE_P2P = "settle_p2p"
    CONTACT_SUPPORT = "contact_support"
    REVOKE_API_KEYS = "revoke_api_keys"
    CLOSE_SUB_ACCOUNTS = "close_sub_accounts"
    COMPLETE_KYC = "complete_kyc"
    NONE = "none"


Evidence = Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Remediation:
    """What fixes a blocker, in words; ``resolves_at``: when time alone resolves it, if it
    does and the date is known (a cooldown's end, a transfer's expected completion, a
    locked product's maturity)."""

    action: Action
    message: Message
    resolves_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One check's verdict.

    ``message``, ``remediation`` and ``evidence`` are safe to show the customer;
    ``detail`` and ``internal_evidence`` are for agents and compliance only.
    """

    code: CheckCode
    status: CheckStatus
    resolver: Resolver
    message: Message
    remediation: Remediation
    detail: Message
    evidence: tuple[Evidence, ...] = ()
    internal_evidence: tuple[Evidence, ...] = ()

    @property
    def confidential(self) -> bool:
        return self.code in CONFIDENTIAL_CODES


@dataclass(frozen=True, slots=True)
class CustomerCheck:
    """One check as the customer may see it: no internal detail or evidence to leak.

    A support-only check cannot be one: it folds into ``SUPPORT_REQUIRED`` instead.
    """

    code: CheckCode
    status: CheckStatus
    resolver: Resolver
    message: Message
    remediation: Remediation
    evidence: tuple[Evidence, ...] = ()

    def __post_init__(self) -> None:
        if self.code in SUPPORT_ONLY_CODES:
            raise ValueError(f"{self.code.value} is support-only: a customer never sees it")


_Check = TypeVar("_Check", CheckResult, CustomerCheck)


class _Verdicts(Generic[_Check]):
    """The outcome rules, written once for both reports so that they cannot disagree."""

    __slots__ = ()
    checks: tuple[_Check, ...]

    @property
    def eligible(self) -> bool:
        """True when nothing blocks; the request may still need a human review."""
        return all(c.status is not CheckStatus.BLOCK for c in self.checks)

    @property
    def needs_review(self) -> bool:
        return any(c.status is CheckStatus.REVIEW for c in self.checks)

    @property
    def outcome(self) -> CheckStatus:
        if not self.eligible:
            return CheckStatus.BLOCK
        return CheckStatus.REVIEW if self.needs_review else CheckStatus.PASS

    @property
    def blockers(self) -> tuple[_Check, ...]:
        return tuple(c for c in self.checks if c.status is CheckStatus.BLOCK)

    def result(self, code: CheckCode) -> _Check:
        for check in self.checks:
            if check.code is code:
                return check
        raise KeyError(code)


@dataclass(frozen=True, slots=True)
class EligibilityReport(_Verdicts[CheckResult]):
    """All checks for one account at one moment, in a stable order, with internal detail.

    For staff and for the system's own decisions; a customer gets a ``CustomerReport``.
    ``account_status`` is the ledger's: staff see that an account is closed (or frozen)
    beside the checks, which are the engine's verdicts whatever the status.
    """

    uid: str
    jurisdiction: str
    checked_at: datetime
    checks: tuple[CheckResult, ...]
    account_status: CustomerStatus = CustomerStatus.ACTIVE


@dataclass(frozen=True, slots=True)
class CustomerReport(_Verdicts[CustomerCheck]):
    """The report as its customer may see it; made only by ``customer_view``.

    Holds no internal field and no support-only check, and always lists
    ``SUPPORT_REQUIRED`` once, so that its presence tells nothing.
    """

    uid: str
    jurisdiction: str
    checked_at: datetime
    checks: tuple[CustomerCheck, ...]

    def __post_init__(self) -> None:
        # Refused at run time too: a CheckResult would carry its detail into the view.
        if not all(type(c) is CustomerCheck for c in self.checks):
            raise TypeError("a customer report holds only CustomerCheck items")
        if sum(c.code is CheckCode.SUPPORT_REQUIRED for c in self.checks) != 1:
            raise ValueError("a customer report lists SUPPORT_REQUIRED exactly once")


_EMPTY = Message("")

_SUPPORT_REQUIRED_BLOCK = Message(
    N_("Your account needs attention from our support team before it can be closed.")
)
_SUPPORT_REQUIRED_PASS = Message(N_("Nothing needs our support team's attention."))
_SUPPORT_REQUIRED_FIX = Message(N_("Contact support; we will tell you what is needed."))


def customer_view(report: EligibilityReport) -> CustomerReport:
    """The one way from the internal report to the customer's.

    Internal detail and internal evidence are left behind. Support-only checks (the
    confidential ones among them) never appear: they fold into ``SUPPORT_REQUIRED``,
    which is always present, so that its presence tells nothing, and which blocks for an
    AML investigation exactly as for an identity in dispute. Its ``review`` becomes
    ``pass``: a customer is not told that a confidential review will happen.
    """
    public: list[CustomerCheck] = []
    confidential_block = False
    for check in report.checks:
        if check.code in SUPPORT_ONLY_CODES:
            confidential_block = confidential_block or check.status is CheckStatus.BLOCK
            continue
        public.append(
            CustomerCheck(
                code=check.code,
                status=check.status,
                resolver=check.resolver,
                message=check.message,
                remediation=check.remediation,
                evidence=check.evidence,
            )
        )
    public.append(
        CustomerCheck(
            code=CheckCode.SUPPORT_REQUIRED,
            status=CheckStatus.BLOCK if confidential_block else CheckStatus.PASS,
            resolver=Resolver.SUPPORT,
            message=_SUPPORT_REQUIRED_BLOCK if confidential_block else _SUPPORT_REQUIRED_PASS,
            remediation=Remediation(
                Action.CONTACT_SUPPORT if confidential_block else Action.NONE,
                _SUPPORT_REQUIRED_FIX if confidential_block else _EMPTY,
            ),
        )
    )
    return CustomerReport(
        uid=report.uid,
        jurisdiction=report.jurisdiction,
        checked_at=report.checked_at,
        checks=tuple(public),
    )
