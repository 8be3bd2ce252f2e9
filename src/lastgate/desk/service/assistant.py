"""The assistant's use cases: answer a customer from their live situation, and hand the
conversation to a person with the transcript and an eligibility snapshot attached.

The answer reads the customer's report and ``AccountFacts``, the account's status and the
freezes the customer caused; never a hold, its kind or its reason."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lastgate.closure.model.freezes import CLOSURE_FREEZE, CUSTOMER_FREEZE, PROTECTIVE_FREEZE
from lastgate.closure.model.lifecycle import ClosureRequest, ClosureState
from lastgate.closure.service.steps import rejection_final
from lastgate.desk.model import tickets as t
from lastgate.desk.model.answer_parts import (
    AccountFacts,
    DeskLinks,
    Situation,
    Terms,
    shown_lines,
    spoken_text,
)
from lastgate.desk.model.assistant import AssistantAnswer, answer
from lastgate.desk.model.titles import HANDOFF_SUBJECT as HANDOFF_SUBJECT
from lastgate.desk.model.titles import handoff_title
from lastgate.desk.model.turns import Line, Said, genuine, seal
from lastgate.desk.ports import StoredAttachment
from lastgate.desk.service.appeals import LocksKeptOnAppeal, kept_lock
from lastgate.desk.service.desk import Desk
from lastgate.desk.service.steps import Posted, _audit, _message, subject_of
from lastgate.eligibility.model.agent_view import agent_view
from lastgate.eligibility.model.identity_verification import verification_address
from lastgate.eligibility.model.report import (
    CheckCode,
    CheckStatus,
    EligibilityReport,
    customer_view,
)
from lastgate.eligibility.service import Eligibility, check_account
from lastgate.kernel.access import Principal, ensure_account_holder, ensure_may_read_account
from lastgate.kernel.errors import InvalidInput
from lastgate.kernel.messages import N_, Message
from lastgate.kernel.policy import Policy
from lastgate.kernel.redaction import redact
from lastgate.ledger.model import CustomerStatus

MAX_TRANSCRIPT_LINES = 200
#: Stored in English like any ticket text; the pages show it in the reader's language.
HANDOFF_BODY = N_("I would like to talk to a person.")


def _note(said: Sequence[Said]) -> str:
    """A hand-off's first message: what the customer wrote for the person (a last line no
    answer follows), else that they asked for one; never a question the conversation
    already shows with its answer."""
    return said[-1].text if said and said[-1].role == "customer" else HANDOFF_BODY


def _closure(desk: Desk, uid: str) -> ClosureRequest | None:
    with desk.unit_of_work() as uow:
        return uow.closures.open_for(uid) or uow.closures.latest_for(uid)


def _facts(desk: Desk, uid: str) -> tuple[ClosureRequest | None, AccountFacts]:
    """The closure request and the customer-safe facts, read in one unit of work."""
    policy, now = desk.policy_for(uid), desk.clock()
    with desk.unit_of_work() as uow:
        closure = uow.closures.open_for(uid) or uow.closures.latest_for(uid)
        status = uow.remediation.account_status(uid)
        causes = set(uow.freezes.active_causes(uid))
        own = uow.freezes.active(uid, CUSTOMER_FREEZE)
        final = closure is not None and rejection_final(uow, closure)
        lock_appeal = kept_lock(uow, uid, policy, now)
    return closure, AccountFacts(
        frozen=status is CustomerStatus.FROZEN or bool(causes),
        closed=status is CustomerStatus.CLOSED,
        own_freeze=own is not None,
        unfreeze_after=own[1] if own is not None else None,
        closure_freeze=CLOSURE_FREEZE in causes,
        protective_freeze=PROTECTIVE_FREEZE in causes,
        rejection_final=final,
        lock_appeal=lock_appeal,
    )


def _terms(policy: Policy) -> Terms:
    return Terms(
        dust_tolerance_usd=policy.eligibility.dust_tolerance_usd,
        dust_target_asset=policy.remediation.dust_target_asset,
        dust_sweep_fee_percent=policy.remediation.dust_sweep_fee_percent,
        cooling_off_days=policy.workflow.cooling_off_days,
        unfreeze_delay_hours=policy.workflow.unfreeze_delay_hours,
        recovery_waiting_hours=policy.desk.recovery_waiting_hours,
        retention_years=policy.retention.aml_records_years,
        security_cooldown_days=policy.eligibility.security_cooldown_days,
    )


def ask(
    desk: Desk,
    principal: Principal,
    uid: str,
    question: str,
    language: str,
    *,
    answer_in: str | None = None,
) -> AssistantAnswer:
    """The assistant's answer to what ``question`` asks, from the account as it is now, in
    ``answer_in`` when given (a page's own language), else in the question's language
    (``language``, the reader's, when the question does not tell)."""
    ensure_may_read_account(principal, uid)
    if len(question) > 2000:
        raise InvalidInput("the question is longer than 2000 characters")
    # The card's words, as every customer view says them (a lock kept on appeal stays).
    lock_appeals = LocksKeptOnAppeal(desk.unit_of_work)
    eligibility = Eligibility(desk.accounts, desk.policies, desk.clock, lock_appeals=lock_appeals)
    report = eligibility.customer_report(principal, uid)
    closure, facts = _facts(desk, uid)
    policy = desk.policies.for_jurisdiction(report.jurisdiction)
    situation = Situation(
        report=report,
        closure=closure,
        facts=facts,
        terms=_terms(policy),
        links=DeskLinks(desk.public_base_url, uid, verification_address(policy)),
    )
    return answer(situation, redact(question).text, language, desk.knowledge, answer_in=answer_in)


@dataclass(frozen=True, slots=True)
class Turn:
    """One question and answer as the transcript records them, the answer sealed with
    the moment it was given."""

    question: str  # redacted, as the customer typed it
    answer: str  # in the answer's language, one line per item, as the Help page shows it
    seal: str
    at: str  # ISO 8601, when the answer was given


def turn(desk: Desk, uid: str, question: str, reply: AssistantAnswer) -> Turn:
    """The turn ``reply`` makes in the conversation, sealed for ``uid``: a hand-off keeps
    the answer only with this seal, next to this question. The answer is the words the
    customer read (``shown_lines``: a line that only points to a button is left out)."""
    said = redact(question).text
    spoken = reply.language
    text = "\n".join(
        joined for item in reply.items if (joined := spoken_text(shown_lines(item), spoken))
    )
    at = desk.clock().isoformat()
    return Turn(said, text, seal(desk.turn_key, uid, said, text, at), at)


def _category(report: EligibilityReport, closure: ClosureRequest | None) -> t.TicketCategory:
    if closure is not None and closure.state is ClosureState.REJECTED:
        return t.TicketCategory.CLOSURE_REJECTED
    blocking = {c.code for c in report.blockers}
    if CheckCode.RISK_LOCK in blocking:
        return t.TicketCategory.ACCOUNT_LOCKED
    return t.TicketCategory.CLOSURE_BLOCKED if blocking else t.TicketCategory.OTHER


def _said(message: Message) -> dict[str, Any]:
    """A message as the snapshot keeps it; a plural one with its other form and count."""
    kept: dict[str, Any] = {"msgid": message.msgid, "params": message.params}
    if message.plural:
        kept |= {"plural": message.plural, "count": message.count}
    return kept


def snapshot(report: EligibilityReport, closure: ClosureRequest | None) -> dict[str, Any]:
    """The full (internal) eligibility report and closure state, as staff will see it."""
    return {
        "uid": report.uid,
        "jurisdiction": report.jurisdiction,
        "checked_at": report.checked_at.isoformat(),
        "outcome": report.outcome.value,
        "closure": None
        if closure is None
        else {"id": closure.id, "state": closure.state.value, "note": closure.decision_note},
        "checks": [
            {
                "code": c.code.value,
                "status": c.status.value,
                "resolver": c.resolver.value,
                "message": _said(c.message),
                "detail": _said(c.detail),
                "action": c.remediation.action.value,
                "evidence": [dict(e) for e in c.evidence],
                "internal_evidence": [dict(e) for e in c.internal_evidence],
            }
            for c in report.checks
            if c.status is not CheckStatus.PASS
        ],
    }


def handoff(
    desk: Desk, principal: Principal, uid: str, transcript: Sequence[Line]
) -> tuple[t.Ticket, Posted]:
    """Open a human ticket from the conversation: the transcript (redacted, the
    customer may read it) and a snapshot of the eligibility report (internal, staff only)
    are attached, in one unit of work. Of what the client sends back, the assistant's lines
    are kept only when sealed (``turn``): nobody puts words in the assistant's mouth."""
    ensure_account_holder(principal, uid)  # the account holder asks for a person
    if len(transcript) > MAX_TRANSCRIPT_LINES:
        raise InvalidInput(f"the transcript is longer than {MAX_TRANSCRIPT_LINES} lines")
    # The snapshot is an internal attachment for staff, so the system reads the internal
    # report here on their behalf; the customer asking is never shown it.
    report = check_account(uid, accounts=desk.accounts, policies=desk.policies, clock=desk.clock)
    closure = _closure(desk, uid)
    now = desk.clock()
    said, left_out = genuine(desk.turn_key, uid, transcript, now.isoformat())
    lines = [{"from": x.role, "text": redact(x.text).text, "at": x.at} for x in said]
    files = _handoff_files(lines, agent_view(report), closure)
    category = _category(report, closure)
    asked = [x["text"] for x in lines if x["from"] == "customer"]
    ticket = t.new_ticket(
        str(uuid.uuid4()),
        uid,
        category,
        redact(handoff_title(asked, customer_view(report))).text,
        now=now,
        policy=desk.policy_for(uid),
        related_closure_id=closure.id if closure else None,
    )
    stored = []
    try:
        for purpose, visibility, content in files:
            raw = json.dumps(content, ensure_ascii=False, indent=1).encode()
            stored.append((purpose, visibility, desk.files.put(raw, "application/json"), raw))
        with desk.unit_of_work() as uow:
            uow.tickets.add(ticket)
            _audit(uow, principal.subject, "handoff", ticket.id, category=category.value)
            posted = _message(uow, ticket, principal, _note(said), t.Visibility.PUBLIC, now)
            for purpose, visibility, file, raw in stored:
                uow.tickets.add_attachment(
                    _attachment(ticket, purpose, visibility, file, raw, principal.subject, now)
                )
            uow.audit.record(
                actor=principal.subject,
                action="desk.handoff_context",
                subject=subject_of(ticket.id),
                payload={
                    "transcript_lines": len(lines),
                    "unsealed_lines_left_out": left_out,
                    "snapshot_outcome": report.outcome.value,
                },
            )
    except BaseException:
        for _, _, file, _ in stored:
            desk.files.delete(file.storage_key)
        raise
    return ticket, posted


def _handoff_files(
    lines: list[dict[str, str]], report: EligibilityReport, closure: ClosureRequest | None
) -> list[tuple[t.AttachmentPurpose, t.Visibility, Any]]:
    """What a hand-off attaches: the transcript (public) and the snapshot (staff only)."""
    return [
        (t.AttachmentPurpose.TRANSCRIPT, t.Visibility.PUBLIC, lines),
        (
            t.AttachmentPurpose.ELIGIBILITY_SNAPSHOT,
            t.Visibility.INTERNAL,
            snapshot(report, closure),
        ),
    ]


def _attachment(
    ticket: t.Ticket,
    purpose: t.AttachmentPurpose,
    visibility: t.Visibility,
    file: StoredAttachment,
    raw: bytes,
    by: str,
    now: datetime,
) -> t.Attachment:
    """The row of one handed-off file; its digest is of the bytes written."""
    return t.Attachment(
        id=str(uuid.uuid4()),
        ticket_id=ticket.id,
        purpose=purpose,
        visibility=visibility,
        content_type=file.content_type,
        size=file.size,
        sha256=hashlib.sha256(raw).hexdigest(),
        storage_key=file.storage_key,
        uploaded_by=by,
        uploaded_at=now,
    )
