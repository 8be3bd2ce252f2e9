"""The assistant's answers about closing itself and around it: how closure works (with
the policy's cooling-off), the state of the customer's request, their data, the fees,
"is this official?" and talking to a person.

A request on hold is described exactly like one under review: a hold (an AML
investigation among them) must not be told from an ordinary review.
"""

from __future__ import annotations

from lastgate.closure.model.lifecycle import ClosureState
from lastgate.desk.model.answer_parts import (
    FIX_HERE,
    AnswerItem,
    Situation,
    link_line,
    when,
)
from lastgate.desk.model.replies import OPEN_REQUEST, rejection_stands
from lastgate.eligibility.model.report import CheckCode
from lastgate.kernel.messages import N_, Message
from lastgate.kernel.money import to_wire

_S = ClosureState
IN_REVIEW = N_("Your closure request is being reviewed by our team.")
STATE_LINES: dict[ClosureState, str] = {
    _S.DRAFT: N_("Your closure request is waiting for you to confirm it is you."),
    _S.VERIFYING: N_("Your closure request is waiting for your second factor."),
    _S.IN_REVIEW: IN_REVIEW,
    _S.COOLING_OFF: N_(
        "Your account will be closed after the cooling-off period; you can still cancel."
    ),
    _S.EXECUTING: N_("Your account is being closed now."),
    _S.CLOSED: N_("Your account is closed."),
    _S.REJECTED: N_("Your closure request was rejected. You can appeal: talk to a person."),
    _S.CANCELLED: N_("Your last closure request was cancelled."),
    _S.BLOCKED: N_(
        "The final check of your last closure request found a blocker; fix it and submit again."
    ),
    # Word for word a review: the customer is not told that a hold stopped the request.
    _S.ON_HOLD: IN_REVIEW,
}
_CANCEL_ON_PAGE = frozenset({_S.DRAFT, _S.VERIFYING})


def closure_how(s: Situation) -> list[AnswerItem]:
    """The steps, with this jurisdiction's cooling-off; the overview follows it."""
    days = s.terms.cooling_off_days
    lines = [
        Message(N_("Closing your account is permanent. It goes like this:")),
        Message(
            N_("1. The self-check lists everything that must be settled first, each with its fix.")
        ),
        Message(
            N_(
                "2. When nothing blocks, you submit the request and confirm it is you with a "
                "second factor; some requests are also reviewed by a person."
            )
        ),
        Message(
            N_(
                "3. A cooling-off period of {days} days follows: your account is frozen, and "
                "you can still cancel."
            ),
            {"days": str(days)},
        )
        if days
        else Message(N_("3. There is no cooling-off period: the account is closed next.")),
        Message(
            N_(
                "4. We check everything again, close the account, erase your data except what "
                "the law requires us to keep, and give you a signed closure certificate."
            )
        ),
    ]
    if days:
        lines.append(
            Message(
                N_(
                    "From the day you submit, it takes at least {days} days, plus the time a "
                    "review needs."
                ),
                {"days": str(days)},
            )
        )
    return [AnswerItem("HOW_CLOSURE_WORKS", tuple(lines), "none", "")]


def closure_status(s: Situation) -> list[AnswerItem]:
    request = s.closure
    if request is None:
        link = s.links.page("/web/me")
        said = (Message(N_("You have not asked to close your account.")), link_line(link))
        label = Message(N_("Check whether I can close"))
        return [AnswerItem("CLOSURE_STATE", said, "none", link, label)]
    lines = [Message(STATE_LINES[request.state])]
    if request.state is _S.COOLING_OFF and request.cooling_off_ends_at is not None:
        lines.append(
            Message(
                N_("The cooling-off period ends {ends_at}; until then you can cancel."),
                {"ends_at": when(request.cooling_off_ends_at)},
            )
        )
    if request.state in _CANCEL_ON_PAGE:
        lines.append(Message(N_("You can finish it, or cancel it, on the request's page.")))
    if request.state is _S.REJECTED and s.facts.rejection_final:
        return [rejection_stands(s)]
    if request.state is _S.REJECTED:
        link = s.links.topic("closure_rejected", request.id)
        label = Message(N_("Appeal the rejection"))
        action = "appeal"
    elif request.state is _S.BLOCKED:
        link, label, action = s.links.page("/web/me"), Message(N_("See what blocks closing")), "fix"
    else:
        link, label, action = s.links.closure(request.id), Message(OPEN_REQUEST), "none"
    lines.append(link_line(link))
    return [AnswerItem("CLOSURE_STATE", tuple(lines), action, link, label)]


def data(s: Situation) -> list[AnswerItem]:
    kept = Message(
        N_(
            "When your account is closed, we delete your data except the records the law "
            "requires us to keep: your identity and your transactions, encrypted, for {years} "
            "years, then destroyed. Your closure certificate lists what was kept and until when."
        ),
        {"years": str(s.terms.retention_years)},
    )
    if s.facts.closed:
        return [AnswerItem("YOUR_DATA", (kept,), "none", "")]
    link = s.links.page("/web/me/export")
    lines = (
        Message(
            N_(
                "You can download all your data now, and during the cooling-off period, as one "
                "ZIP file: your account in JSON, and CSV files for the Koinly and CoinTracking "
                "tax tools."
            )
        ),
        kept,
        link_line(link),
    )
    return [AnswerItem("YOUR_DATA", lines, "export", link, Message(N_("Download my data (ZIP)")))]


def fees(s: Situation) -> list[AnswerItem]:
    lines = [
        Message(N_("Closing your account is free.")),
        Message(
            N_("A one-step sweep of small balances into {asset} costs a fee of {fee}%."),
            {
                "asset": s.terms.dust_target_asset,
                "fee": to_wire(s.terms.dust_sweep_fee_percent),
            },
        ),
        Message(N_("A withdrawal costs the network fee shown before you confirm it.")),
    ]
    if s.failing(CheckCode.DUST_REMAINING) is None:
        return [AnswerItem("FEES", tuple(lines), "none", "")]
    link = s.links.fix(CheckCode.DUST_REMAINING)
    lines.append(Message(FIX_HERE, {"url": link}))
    return [AnswerItem("FEES", tuple(lines), "sweep_dust", link)]


def official(s: Situation) -> list[AnswerItem]:
    link = s.links.page("/web/official")
    lines = (
        Message(
            N_(
                "Every e-mail and SMS from us starts with your anti-phishing code; a message "
                "without it is not from us."
            )
        ),
        Message(
            N_(
                "Our staff will never ask for your password, verification codes, private keys "
                "or seed phrase."
            )
        ),
        Message(N_("You can check any link, e-mail address or phone number against our channels.")),
        link_line(link),
    )
    return [AnswerItem("OFFICIAL", lines, "check", link, Message(N_("Is this official?")))]


def human(s: Situation) -> list[AnswerItem]:
    lines = (
        Message(
            N_(
                "A person can take over: they get this conversation and your account's "
                "situation, so you do not have to explain it again."
            )
        ),
        link_line(s.links.handoff, person=True),
    )
    return [AnswerItem("TALK_TO_PERSON", lines, "talk_to_person", s.links.handoff)]
