"""The assistant's answer to each kind of question, from the customer's live situation:
the pending transfer's amount and expected time, the freezes and how each is lifted, the
small balances, the closure request's state, and the policy's own figures.

No answer reads anything a customer may not see (``Situation`` holds none of it), and an
answer about restrictions treats ``SUPPORT_REQUIRED`` like any other support matter.
"""

from __future__ import annotations

from lastgate.closure.model.lifecycle import ClosureState
from lastgate.desk.model.answer_parts import (
    FIX_HERE,
    AnswerItem,
    Situation,
    appeal_answer,
    balance_lines,
    check_item,
    link_line,
    parse_time,
    when,
)
from lastgate.eligibility.model.checks.restrictions import KeptLock
from lastgate.eligibility.model.report import CheckCode, CustomerCheck
from lastgate.kernel.messages import N_, Message, N_plural
from lastgate.kernel.money import to_wire

_S = ClosureState
_ZERO_DAYS = 0
OPEN_SETTINGS = N_("Open my settings")
OPEN_REQUEST = N_("Open my closure request")
BALANCES_HEAD = N_("On {time}, these balances are in your account:")
NO_BALANCES = N_("On {time}, no balance is left in your account.")
DEPOSIT_ARRIVING = N_("A deposit of {amount} {asset} is on its way to your account.")
#: The transfer lines: (direction, timing) → sentence. Timing: expected, late, unknown.
TRANSFER_LINES = {
    ("deposit", "expected"): N_(
        "Your deposit of {amount} {asset}, started {created_at}, is expected by {expected_at}."
    ),
    ("deposit", "late"): N_(
        "Your deposit of {amount} {asset}, started {created_at}, was expected by "
        "{expected_at} and is late."
    ),
    ("deposit", "unknown"): N_(
        "Your deposit of {amount} {asset}, started {created_at}, has no expected time yet."
    ),
    ("withdrawal", "expected"): N_(
        "Your withdrawal of {amount} {asset}, started {created_at}, is expected by {expected_at}."
    ),
    ("withdrawal", "late"): N_(
        "Your withdrawal of {amount} {asset}, started {created_at}, was expected by "
        "{expected_at} and is late."
    ),
    ("withdrawal", "unknown"): N_(
        "Your withdrawal of {amount} {asset}, started {created_at}, has no expected time yet."
    ),
}


def lost_credentials(s: Situation) -> list[AnswerItem]:
    link = s.links.topic("credential_recovery")
    lines = (
        Message(
            N_(
                "If you lost your phone or your authenticator app, we can recover your access: "
                "open a recovery ticket with a photo of your identity document and a short "
                "video in which you say your UID and today's date."
            )
        ),
        Message(
            N_(
                "When an agent approves it, a waiting period of {hours} hours protects you: we "
                "tell you on every verified channel, so that you can stop a recovery you did "
                "not ask for."
            ),
            {"hours": str(s.terms.recovery_waiting_hours)},
        ),
        Message(N_("If you only forgot your password, reset it from the sign-in page.")),
        Message(
            N_(
                "Never send us your password, verification codes or seed phrase: our staff "
                "will never ask for them."
            )
        ),
        link_line(link),
    )
    label = Message(N_("Start a credential recovery"))
    return [AnswerItem("CREDENTIAL_RECOVERY", lines, "credential_recovery", link, label)]


def dust(s: Situation) -> list[AnswerItem]:
    intro = Message(
        N_(
            "Dust is a balance too small to withdraw economically: worth at most {tolerance} "
            "USD, or an asset that has no market price."
        ),
        {"tolerance": to_wire(s.terms.dust_tolerance_usd)},
    )
    check = s.failing(CheckCode.DUST_REMAINING)
    if check is None:
        return [AnswerItem("DUST", (intro, Message(N_("You have no dust now."))), "none", "")]
    link = s.links.fix(CheckCode.DUST_REMAINING)
    lines = (
        intro,
        Message.counted(
            N_plural("You have {count} such balance:", "You have {count} such balances:"),
            len(check.evidence),
        ),
        *balance_lines(check),
        check.remediation.message,
        Message(
            N_("A sweep converts them into {asset} in one step, for a fee of {fee}%."),
            {
                "asset": s.terms.dust_target_asset,
                "fee": to_wire(s.terms.dust_sweep_fee_percent),
            },
        ),
        Message(FIX_HERE, {"url": link}),
    )
    items = [AnswerItem(check.code.value, lines, check.remediation.action.value, link)]
    assets = s.failing(CheckCode.ASSETS_REMAINING)
    return items + ([check_item(assets, s.links)] if assets else [])


def balances(s: Situation) -> list[AnswerItem]:
    """What the account holds, as the closure checks read it: the balances above the dust
    tolerance, then the small ones, each in its account; and what closing needs of them."""
    moment = {"time": when(s.now)}
    held = [
        c for c in (s.failing(CheckCode.ASSETS_REMAINING), s.failing(CheckCode.DUST_REMAINING)) if c
    ]
    deposits = s.failing(CheckCode.DEPOSIT_PENDING)
    arriving = [
        Message(DEPOSIT_ARRIVING, {"amount": e.get("amount", "?"), "asset": e.get("asset", "?")})
        for e in (deposits.evidence if deposits else ())
    ]
    if not held:
        return [AnswerItem("BALANCES", (Message(NO_BALANCES, moment), *arriving), "none", "")]
    first = held[0]
    link = s.links.fix(first.code)
    lines = (
        Message(BALANCES_HEAD, moment),
        *(line for check in held for line in balance_lines(check)),
        *arriving,
        first.remediation.message,
        Message(FIX_HERE, {"url": link}),
    )
    return [AnswerItem("BALANCES", lines, first.remediation.action.value, link)]


def _transfer_line(evidence: dict[str, str], direction: str, s: Situation) -> tuple[Message, bool]:
    expected = parse_time(evidence.get("expected_completion_at", ""))
    created = parse_time(evidence.get("created_at", ""))
    timing = "unknown" if expected is None else ("late" if expected < s.now else "expected")
    params = {
        "amount": evidence.get("amount", "?"),
        "asset": evidence.get("asset", "?"),
        "created_at": when(created) if created else "?",
        "expected_at": when(expected) if expected else "",
    }
    return Message(TRANSFER_LINES[(direction, timing)], params), timing == "late"


def _transfers(check: CustomerCheck, direction: str, s: Situation) -> AnswerItem:
    said = [_transfer_line(dict(e), direction, s) for e in check.evidence]
    late = any(is_late for _, is_late in said)
    lines = [line for line, _ in said]
    lines.append(check.remediation.message)
    if late:
        lines.append(link_line(s.links.handoff, person=True))
    link = s.links.handoff if late else ""
    return AnswerItem(check.code.value, tuple(lines), "talk_to_person" if late else "wait", link)


def transfer_pending(s: Situation) -> list[AnswerItem]:
    items = [
        _transfers(check, direction, s)
        for code, direction in (
            (CheckCode.DEPOSIT_PENDING, "deposit"),
            (CheckCode.WITHDRAWAL_PENDING, "withdrawal"),
        )
        if (check := s.failing(code)) is not None
    ]
    if items:
        return items
    lines = (
        Message(N_("No deposit or withdrawal is in progress on your account.")),
        Message(
            N_(
                "A deposit you sent may still be waiting for network confirmations before it "
                "shows here. If it is missing, give a person its transaction ID (TXID)."
            )
        ),
        link_line(s.links.handoff, person=True),
    )
    return [AnswerItem("NO_TRANSFER_PENDING", lines, "talk_to_person", s.links.handoff)]


def _own_freeze(s: Situation) -> AnswerItem:
    until = s.facts.unfreeze_after
    if until is not None and until > s.now:
        first = Message(
            N_(
                "Your account is frozen at your request. You can unfreeze it from "
                "{unfreeze_after} in your settings, with a code from your authenticator app."
            ),
            {"unfreeze_after": when(until)},
        )
    else:
        first = Message(
            N_(
                "Your account is frozen at your request. You can unfreeze it now in your "
                "settings, with a code from your authenticator app."
            )
        )
    link = s.links.page("/web/me/settings")
    lines = (
        first,
        Message(
            N_(
                "If you no longer have your authenticator, recover it first: a person "
                "verifies your identity."
            )
        ),
        link_line(link),
    )
    return AnswerItem("OWN_FREEZE", lines, "unfreeze", link, Message(OPEN_SETTINGS))


def _closure_freeze(s: Situation) -> AnswerItem | None:
    request = s.closure if s.closure is not None and s.closure.is_open else None
    if request is None:
        return None
    if request.state is not _S.COOLING_OFF:
        # Held, or being closed: said the way a review is, with a person to ask.
        lines = (
            Message(
                N_(
                    "Your account is frozen while your closure request is being processed. "
                    "A person can tell you more."
                )
            ),
            link_line(s.links.handoff, person=True),
        )
        return AnswerItem("CLOSURE_FREEZE", lines, "talk_to_person", s.links.handoff)
    if request.cooling_off_ends_at is not None:
        first = Message(
            N_(
                "Your account is frozen while your closure request is in its cooling-off "
                "period, which ends {ends_at}. Cancel the request before then and the freeze "
                "is lifted."
            ),
            {"ends_at": when(request.cooling_off_ends_at)},
        )
    else:
        first = Message(
            N_(
                "Your account is frozen while your closure request is in its cooling-off "
                "period. Cancel the request and the freeze is lifted."
            )
        )
    link = s.links.closure(request.id)
    lines = (first, link_line(link))
    return AnswerItem("CLOSURE_FREEZE", lines, "cancel_closure", link, Message(OPEN_REQUEST))


def frozen(s: Situation) -> list[AnswerItem]:
    """Whether the account is frozen and how each freeze is lifted, then what restricts
    it. ``SUPPORT_REQUIRED`` is listed last like any other support matter, and does not
    change the first sentence: the answer reads the same as for any account that needs
    support."""
    if s.facts.closed:
        return [AnswerItem("ACCOUNT_CLOSED", (Message(N_("Your account is closed.")),), "none", "")]
    restrictions = [
        c for code in (CheckCode.RISK_LOCK, CheckCode.LEGAL_HOLD) if (c := s.failing(code))
    ]
    items: list[AnswerItem] = []
    if s.facts.own_freeze:
        items.append(_own_freeze(s))
    if s.facts.closure_freeze and (closure_item := _closure_freeze(s)) is not None:
        items.append(closure_item)
    if s.facts.frozen and not items and not restrictions:
        lines = (
            Message(N_("Your account is frozen. A person can tell you why and what lifts it.")),
            link_line(s.links.handoff, person=True),
        )
        items.append(AnswerItem("ACCOUNT_FROZEN", lines, "talk_to_person", s.links.handoff))
    support = s.failing(CheckCode.SUPPORT_REQUIRED)
    listed = [*restrictions, *([support] if support else [])]
    # What else blocks closing (a security cooldown, a deposit on its way…): not a
    # restriction of the account's use, but an answer of "nothing restricts it" would
    # contradict the self-check the customer has just read.
    others = [c for c in s.report.blockers if c not in listed]
    if not s.facts.frozen:
        if restrictions:
            said = N_("Your account is not frozen, but it is restricted:")
        elif others or support:
            said = N_(
                "Your account is not frozen and you can use it, but closing it is blocked for now:"
            )
        else:
            said = N_("Your account is not frozen, and nothing restricts it.")
        items.append(AnswerItem("NOT_FROZEN", (Message(said),), "none", ""))
    kept = s.facts.lock_appeal
    items.extend(check_item(c, s.links, lock_appeal=kept) for c in [*listed, *others])
    return items


def appeal(s: Situation) -> list[AnswerItem]:
    items: list[AnswerItem] = []
    rejected = s.closure_in(_S.REJECTED)
    if rejected is not None and s.facts.rejection_final:
        items.append(rejection_stands(s))
    elif rejected is not None:
        link = s.links.topic("closure_rejected", rejected.id)
        lines = (
            Message(
                N_(
                    "Your closure request was rejected. You can appeal: a different person "
                    "from the one who decided reviews your request again."
                )
            ),
            link_line(link),
        )
        label = Message(N_("Appeal the rejection"))
        items.append(AnswerItem("APPEAL_CLOSURE", lines, "appeal", link, label))
    if s.failing(CheckCode.RISK_LOCK) and s.facts.lock_appeal is not None:
        items.append(lock_kept(s, s.facts.lock_appeal))
    elif s.failing(CheckCode.RISK_LOCK):
        link = s.links.topic("account_locked")
        lines = (
            Message(
                N_(
                    "Your account is restricted by risk control. You can appeal: a compliance "
                    "officer decides, and we tell you on every verified channel."
                )
            ),
            link_line(link),
        )
        items.append(
            AnswerItem("APPEAL_RISK_LOCK", lines, "appeal", link, Message(N_("Appeal the lock")))
        )
    if items:
        return items
    lines = (
        Message(
            N_(
                "You can appeal a rejected closure request or a lock by risk control; neither "
                "applies to your account now. If you disagree with another decision, talk to "
                "a person."
            )
        ),
        link_line(s.links.handoff, person=True),
    )
    return [AnswerItem("APPEAL", lines, "talk_to_person", s.links.handoff)]


#: What a customer whose rejection an appeal upheld reads (the closure page says it too).
REJECTION_STANDS = N_(
    "A different person reviewed your appeal, and the rejection stands: this decision is "
    "final for this request."
)
AFTER_REJECTION = N_(
    "Once you have settled what the rejection names, you can submit a new closure request "
    "from your self-check; a person reviews it."
)


def rejection_stands(s: Situation) -> AnswerItem:
    """The rejection upheld on appeal: final, and what is left; no appeal offered again."""
    link = s.links.page("/web/me")
    lines = (Message(REJECTION_STANDS), Message(AFTER_REJECTION), link_line(link))
    return AnswerItem("REJECTION_STANDS", lines, "none", link, Message(N_("See the self-check")))


def lock_kept(s: Situation, kept: KeptLock) -> AnswerItem:
    """The risk lock kept on appeal: it stays, and the appeal's ticket to reply on; no new
    appeal offered. The self-check's words (``KeptLock``), whatever lies behind it."""
    link, label = appeal_answer(s.links, kept)
    lines = (kept.remediation.message, link_line(link))
    return AnswerItem("RISK_LOCK_KEPT", lines, "none", link, label)
