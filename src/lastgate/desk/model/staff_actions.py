"""What a staff member may decide now on an appeal or recovery ticket: the rules in one
place, enforced by the desk's use cases (``appeals``) and offered by the staff ticket
page, which says why when the reader may not. Pure."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from lastgate.closure.model.lifecycle import ClosureState
from lastgate.desk.model.tickets import COMPLIANCE_QUEUE, AttachmentPurpose, TicketCategory
from lastgate.eligibility.model.report import Resolver
from lastgate.kernel.messages import N_

#: What a recovery needs before it may be approved.
RECOVERY_EVIDENCE = frozenset({AttachmentPurpose.DOCUMENT, AttachmentPurpose.VIDEO_STATEMENT})
#: The tickets whose topic calls for a decision.
DECIDED_TOPICS = frozenset(
    {
        TicketCategory.ACCOUNT_LOCKED,
        TicketCategory.CLOSURE_REJECTED,
        TicketCategory.CREDENTIAL_RECOVERY,
    }
)


@dataclass(frozen=True, slots=True)
class DecisionActions:
    """The decision a ticket's topic calls for, as the reader sees it now: whether it
    is called for at all, whether the reader may approve or reject, and if not, why
    (a msgid)."""

    called_for: bool
    may_approve: bool
    may_reject: bool
    why_not: str = ""


NONE = DecisionActions(called_for=False, may_approve=False, may_reject=False)


#: The topics whose decision is a compliance officer's: an agent hands them over.
COMPLIANCE_DECIDES = frozenset({TicketCategory.ACCOUNT_LOCKED})


def may_review_closure_appeal(rejected_by: str | None, me: str) -> bool:
    """A different person than the one who rejected the closure reviews the appeal."""
    return rejected_by != me


def recovery_evidence_complete(present: Collection[AttachmentPurpose]) -> bool:
    return set(present) >= RECOVERY_EVIDENCE


def decision_actions(
    *,
    category: TicketCategory,
    ticket_open: bool,
    me: str,
    compliance: bool,
    closure_state: ClosureState | None = None,
    rejected_by: str | None = None,
    recovery_decided: bool = False,
    evidence: Collection[AttachmentPurpose] = (),
) -> DecisionActions:
    """What ``me`` may decide now on a ticket of ``category``."""
    if category not in DECIDED_TOPICS or not ticket_open:
        return NONE
    if category in COMPLIANCE_DECIDES:
        if not compliance:
            return DecisionActions(
                True, False, False, N_("A compliance officer decides a risk-lock appeal.")
            )
        return DecisionActions(True, True, True)
    if category is TicketCategory.CLOSURE_REJECTED:
        if closure_state is not ClosureState.REJECTED:
            return DecisionActions(
                True, False, False, N_("The appeal names no rejected closure request.")
            )
        if not may_review_closure_appeal(rejected_by, me):
            return DecisionActions(
                True,
                False,
                False,
                N_("You rejected this request: a different person decides the appeal."),
            )
        return DecisionActions(True, True, True)
    if recovery_decided:
        return DecisionActions(True, False, False)
    if not recovery_evidence_complete(evidence):
        return DecisionActions(
            True,
            False,
            True,
            N_("Approving needs an identity document and a video statement from the customer."),
        )
    return DecisionActions(True, True, True)


def may_hand_to_compliance(
    resolvers: Collection[Resolver],
    *,
    category: TicketCategory,
    queue: str,
    ticket_open: bool,
    compliance: bool,
) -> bool:
    """An agent may hand an open ticket to compliance's queue when a check only
    compliance resolves blocks its customer (a legal hold, a compliance review: the agent
    cannot see why), or when compliance decides its topic (``COMPLIANCE_DECIDES``: a
    risk-lock appeal), unless it is there already."""
    theirs = Resolver.COMPLIANCE in resolvers or category in COMPLIANCE_DECIDES
    return ticket_open and not compliance and queue != COMPLIANCE_QUEUE and theirs
