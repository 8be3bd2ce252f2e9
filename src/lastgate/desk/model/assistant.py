"""The assistant, first in line: it recognises what the customer asks (``intents``) and
answers that from their live situation (``replies``, ``replies_closure``), in the
question's language, with the knowledge base's best articles; a question about closing,
or one it does not recognise (after saying so and what it can answer), gets the overview
of what blocks closing now.

It only ever reads the customer's report (``CustomerReport``, the type says so) and the
customer-safe ``AccountFacts``, so a confidential check such as an AML investigation can
never be named or hinted at: it shows as the same "contact support" that any other
support matter shows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lastgate.closure.model.lifecycle import ClosureState, customer_state
from lastgate.desk.model import replies, replies_closure, replies_security
from lastgate.desk.model.answer_parts import FIX_HERE as FIX_HERE
from lastgate.desk.model.answer_parts import LINK_LINES as LINK_LINES
from lastgate.desk.model.answer_parts import TALK_TO_PERSON as TALK_TO_PERSON
from lastgate.desk.model.answer_parts import (
    AnswerItem,
    Situation,
    check_item,
)
from lastgate.desk.model.intents import Intent, detect_language, recognise
from lastgate.desk.model.knowledge import Article, KnowledgeBase
from lastgate.desk.model.replies_closure import STATE_LINES
from lastgate.eligibility.model.report import CheckCode, CheckStatus
from lastgate.kernel.messages import N_, Message

ALL_CLEAR = N_("Nothing blocks closing your account now. You can start here: {url}")
NOT_UNDERSTOOD = N_(
    "I am not sure what you are asking. I can answer questions about closing your account, "
    "your balances, deposits and withdrawals on their way, a frozen account, lost access, "
    "your data, fees, and whether a message really comes from us; or a person can help. "
    "This is where your account stands now:"
)


@dataclass(frozen=True, slots=True)
class AssistantAnswer:
    """The whole answer: what the question was taken to be about (``intent``), the
    language it is answered in, the items, then matching articles."""

    intent: str
    language: str
    items: tuple[AnswerItem, ...]
    closure_state: str | None
    articles: tuple[Article, ...]
    handoff_link: str


def overview(s: Situation) -> list[AnswerItem]:
    """What blocks closing now, check by check, after the closure request's state."""
    relevant = [c for c in s.report.checks if c.status is not CheckStatus.PASS]
    items = [check_item(c, s.links, lock_appeal=s.facts.lock_appeal) for c in relevant]
    if not relevant and (s.closure is None or not s.closure.is_open):
        start = s.links.start
        items.append(AnswerItem("ELIGIBLE", (Message(ALL_CLEAR, {"url": start}),), "close", start))
    if s.closure is not None:
        rejected = s.closure.state is ClosureState.REJECTED
        items.insert(
            0,
            AnswerItem(
                "CLOSURE_STATE",
                (Message(STATE_LINES[s.closure.state]),),
                "talk_to_person" if rejected else "none",
                s.links.handoff,
            ),
        )
    return items


def _how_then_overview(s: Situation) -> list[AnswerItem]:
    return replies_closure.closure_how(s) + overview(s)


def _not_understood(s: Situation) -> list[AnswerItem]:
    """A question it does not recognise: it says so and what it can answer, then the
    overview, which is what most such questions on this page are after."""
    said = AnswerItem("NOT_UNDERSTOOD", (Message(NOT_UNDERSTOOD),), "none", "")
    return [said, *overview(s)]


REPLIES: dict[Intent, Callable[[Situation], list[AnswerItem]]] = {
    Intent.SUSPECTED_TAKEOVER: replies_security.suspected_takeover,
    Intent.SECURITY_COOLDOWN: replies_security.security_cooldown,
    Intent.LOST_CREDENTIALS: replies.lost_credentials,
    Intent.DUST: replies.dust,
    Intent.TRANSFER_PENDING: replies.transfer_pending,
    Intent.FROZEN: replies.frozen,
    Intent.APPEAL: replies.appeal,
    Intent.CLOSURE_STATUS: replies_closure.closure_status,
    Intent.CLOSURE_BLOCKERS: overview,
    Intent.CLOSURE_HOW: _how_then_overview,
    Intent.DATA: replies_closure.data,
    Intent.FEES: replies_closure.fees,
    Intent.BALANCES: replies.balances,
    Intent.OFFICIAL: replies_closure.official,
    Intent.HUMAN: replies_closure.human,
    Intent.UNKNOWN: _not_understood,
}
#: The articles that answer a recognised intent, best first; an unrecognised question
#: gets the knowledge base's ranking instead (BM25 on the question's words would also
#: match "我的" or "account" in every article, so it is not used for these).
ARTICLES: dict[Intent, tuple[str, ...]] = {
    Intent.SUSPECTED_TAKEOVER: ("official-channels",),
    Intent.SECURITY_COOLDOWN: ("closing-your-account",),
    Intent.LOST_CREDENTIALS: ("lost-authenticator", "official-channels"),
    Intent.DUST: ("small-balances",),
    Intent.TRANSFER_PENDING: (),
    Intent.FROZEN: ("risk-lock-appeal",),
    Intent.APPEAL: ("closure-rejected", "risk-lock-appeal"),
    Intent.CLOSURE_STATUS: ("closing-your-account",),
    Intent.CLOSURE_BLOCKERS: ("closing-your-account",),
    Intent.CLOSURE_HOW: ("closing-your-account",),
    Intent.DATA: ("closing-your-account",),
    Intent.FEES: ("small-balances",),
    Intent.BALANCES: ("closing-your-account", "small-balances"),
    Intent.OFFICIAL: ("official-channels",),
    Intent.HUMAN: (),
}


def _articles(
    knowledge: KnowledgeBase, intent: Intent, s: Situation, question: str, language: str
) -> tuple[Article, ...]:
    if intent is Intent.UNKNOWN:
        return tuple(knowledge.search(question, language))
    slugs = list(ARTICLES[intent])
    if (
        intent is Intent.APPEAL
        and s.failing(CheckCode.RISK_LOCK)
        and not s.closure_in(ClosureState.REJECTED)
    ):
        slugs.reverse()  # locked, nothing rejected: the lock's appeal first
    by_slug = {a.slug: a for a in knowledge.articles if a.language == language}
    return tuple(by_slug[slug] for slug in slugs if slug in by_slug)


def answer(
    situation: Situation,
    question: str,
    language: str,
    knowledge: KnowledgeBase,
    *,
    answer_in: str | None = None,
) -> AssistantAnswer:
    """The assistant's answer to ``question``, about what it asks, in one language:
    ``answer_in`` when the caller fixes it (the Help page: its own language, so that
    every part of the answer reads as the rest of the page), else the question's
    (``language``, the reader's, when the question does not tell)."""
    spoken = answer_in or detect_language(question, language)
    intent = recognise(question).intent
    closure = situation.closure
    return AssistantAnswer(
        intent=intent.value,
        language=spoken,
        items=tuple(REPLIES[intent](situation)),
        closure_state=customer_state(closure.state).value if closure else None,
        articles=_articles(knowledge, intent, situation, question, spoken),
        handoff_link=situation.links.handoff,
    )
