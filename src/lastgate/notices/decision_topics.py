"""The notices of decisions a customer waits for: an appeal decided on a ticket, a
restriction lifted, and the identity evidence of a closure request checked. Part of
``lastgate.notices.model.TOPICS``, kept here by meaning.

An appeal's notice says the decision and the next step; its reasons are the answer staff
posted on the ticket (redacted, in their words), which the notice links to rather than
repeats, as ``desk_reply`` does. A kept risk lock's notice says only where the answer is,
not that it says why (compliance cannot, with an AML investigation behind the lock): the
same words for every lock. A lifted legal restriction is told only where the customer's
self-check already names it (``LEGAL_HOLD``), never for an AML investigation, which the
customer's views fold into ``SUPPORT_REQUIRED``. A refused
evidence file's notice says why in the words of a closed list (``refusal``, an
``EvidenceRefusal`` code the notice shows as its label), never an agent's typed note.
"""

from __future__ import annotations

from collections.abc import Mapping

from lastgate.kernel.messages import N_
from lastgate.notices.template import NoticeTemplate

DECISION_TOPICS: Mapping[str, NoticeTemplate] = {
    "risk_lock_lifted": NoticeTemplate(
        N_("Your account restriction is lifted"),
        N_(
            "Your appeal was approved and the restriction on your account is lifted. If you "
            "want to close your account, your self-check shows whether anything else is "
            "left to do and where to start: {selfcheck_url}"
        ),
        ("selfcheck_url",),
    ),
    "risk_lock_appeal_rejected": NoticeTemplate(
        N_("Your appeal was reviewed: the restriction stays"),
        N_(
            "We reviewed your appeal and the restriction on your account stays in place. "
            "Our answer is on your ticket {ticket_ref}: {ticket_url}. If you have more to "
            "tell us, reply there until {reply_by_at} and we will look at it again; after "
            "that, write to us in a new ticket."
        ),
        ("ticket_ref", "ticket_url", "reply_by_at"),
    ),
    "closure_appeal_upheld": NoticeTemplate(
        N_("Your appeal was reviewed: the rejection stands"),
        N_(
            "We reviewed your appeal and the rejection of your closure request stands. "
            "Our answer on your ticket {ticket_ref} says why: {ticket_url}. Your account "
            "stays open and you can use it as before. Once you have resolved what our "
            "answer names, you can submit a new closure request from your self-check: "
            "{selfcheck_url}"
        ),
        ("ticket_ref", "ticket_url", "selfcheck_url"),
    ),
    "closure_appeal_overturned": NoticeTemplate(
        N_("Your appeal was accepted: your closure request goes on"),
        N_(
            "We reviewed your appeal and overturned the rejection: your closure request "
            "is back with our team, who will review it again. You do not need to do "
            "anything; we will tell you the outcome. Follow your request from your "
            "self-check: {selfcheck_url}. Our answer is on your ticket {ticket_ref}: "
            "{ticket_url}"
        ),
        ("ticket_ref", "ticket_url", "selfcheck_url"),
    ),
    "evidence_refused": NoticeTemplate(
        N_("We could not accept a file you sent"),
        N_(
            "We checked a file you sent to prove that it is you for your account closure, "
            "and could not accept it. {evidence_kind}: {refusal} Send a new one from your "
            "closure request's page: {closure_url}. Your request waits until we have it; "
            "nothing else changes on your account."
        ),
        ("evidence_kind", "refusal", "closure_url"),
    ),
    "evidence_accepted": NoticeTemplate(
        N_("We accepted your identity documents"),
        N_(
            "We checked and accepted your ID document and your selfie. Next, confirm that "
            "it is you with a second factor, on your closure request's page: {closure_url}"
        ),
        ("closure_url",),
    ),
    "legal_hold_lifted": NoticeTemplate(
        N_("A legal restriction on your account is lifted"),
        N_(
            "The legal restriction on your account is lifted. If you want to close your "
            "account, your self-check shows whether anything else is left to do and "
            "where to start: {selfcheck_url}"
        ),
        ("selfcheck_url",),
    ),
}
