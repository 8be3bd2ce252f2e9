"""What staff may decide now on an appeal or a recovery ticket, as the staff ticket page
offers it and the desk's use cases enforce it."""

from __future__ import annotations

from lastgate.closure.model.lifecycle import ClosureState
from lastgate.desk.model.staff_actions import decision_actions
from lastgate.desk.model.tickets import AttachmentPurpose as P
from lastgate.desk.model.tickets import TicketCategory as C


def test_a_risk_lock_appeal_is_for_compliance() -> None:
    agent = decision_actions(category=C.ACCOUNT_LOCKED, ticket_open=True, me="a", compliance=False)
    officer = decision_actions(category=C.ACCOUNT_LOCKED, ticket_open=True, me="c", compliance=True)
    assert agent.called_for and not agent.may_approve and not agent.may_reject and agent.why_not
    assert officer.may_approve and officer.may_reject and not officer.why_not


def test_the_agent_who_rejected_does_not_decide_the_appeal() -> None:
    def seen_by(me: str):
        return decision_actions(
            category=C.CLOSURE_REJECTED,
            ticket_open=True,
            me=me,
            compliance=False,
            closure_state=ClosureState.REJECTED,
            rejected_by="agent-ada",
        )

    assert (
        not seen_by("agent-ada").may_approve and "different person" in seen_by("agent-ada").why_not
    )
    assert seen_by("agent-bo").may_approve and seen_by("agent-bo").may_reject


def test_an_appeal_without_a_rejected_request_offers_nothing() -> None:
    seen = decision_actions(
        category=C.CLOSURE_REJECTED,
        ticket_open=True,
        me="b",
        compliance=False,
        closure_state=ClosureState.IN_REVIEW,
    )
    assert not seen.may_approve and not seen.may_reject and seen.why_not


def test_a_recovery_is_approved_only_with_both_proofs() -> None:
    def seen_with(*evidence: P):
        return decision_actions(
            category=C.CREDENTIAL_RECOVERY,
            ticket_open=True,
            me="a",
            compliance=False,
            evidence=evidence,
        )

    missing = seen_with(P.DOCUMENT)
    assert not missing.may_approve and missing.may_reject and "video" in missing.why_not
    assert seen_with(P.DOCUMENT, P.VIDEO_STATEMENT).may_approve


def test_nothing_to_decide_once_decided_closed_or_off_topic() -> None:
    done = decision_actions(
        category=C.CREDENTIAL_RECOVERY,
        ticket_open=True,
        me="a",
        compliance=False,
        recovery_decided=True,
    )
    assert done.called_for and not done.may_approve and not done.may_reject
    closed = decision_actions(category=C.ACCOUNT_LOCKED, ticket_open=False, me="c", compliance=True)
    other = decision_actions(category=C.DISPUTE, ticket_open=True, me="c", compliance=True)
    assert not closed.called_for and not other.called_for
