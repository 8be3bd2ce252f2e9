"""Help without a person, over HTTP: the assistant (and its hand-off to a person) and
"is this official?" for links, e-mail addresses and phone numbers."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field

from lastgate.desk.api.shared import (
    ERRORS,
    DeskDep,
    OpenedOut,
    StrictIn,
    Uid,
    posted_out,
    ticket_out,
)
from lastgate.desk.model import tickets as t
from lastgate.desk.model.answer_parts import spoken_text
from lastgate.desk.model.official import check
from lastgate.desk.service import desk as d
from lastgate.kernel.i18n import translate
from lastgate.kernel.messages import Message
from lastgate.platform.http.deps import CurrentPrincipal, Language

router = APIRouter()


# -- the assistant --------------------------------------------------------------------------


class QuestionIn(StrictIn):
    question: str = Field(default="", max_length=2000)


class TranscriptLine(StrictIn):
    role: Literal["customer", "assistant"]
    text: str = Field(max_length=d.MAX_BODY)
    seal: str = Field(
        default="",
        max_length=64,
        description="An assistant line's seal, from the answer's `turn`; an assistant line "
        "without a valid seal is left out of the transcript.",
    )
    at: str = Field(
        default="",
        max_length=40,
        description="An assistant line's moment, from the answer's `turn`: sealed with it.",
    )


class HandoffIn(StrictIn):
    transcript: list[TranscriptLine] = Field(default_factory=list, max_length=200)


class AnswerItemOut(BaseModel):
    code: str
    text: str
    action: str
    link: str
    label: str | None = Field(
        default=None, description="The link's words, where it is neither a fix nor a hand-off."
    )


class ArticleOut(BaseModel):
    slug: str
    title: str
    excerpt: str


class TurnOut(BaseModel):
    question: str = Field(description="The question as the transcript records it (redacted).")
    answer: str = Field(description="The answer as the transcript records it.")
    seal: str = Field(description="Send back with the answer's transcript line at hand-off.")
    at: str = Field(description="When the answer was given (ISO 8601); send it back too.")


class AnswerOut(BaseModel):
    intent: str = Field(description="What the question was recognised as asking about.")
    language: str = Field(description="The question's language, else the reader's.")
    closure_state: str | None
    items: list[AnswerItemOut]
    articles: list[ArticleOut]
    handoff: str = Field(description="POST here to talk to a person.")
    turn: TurnOut = Field(description="This question and answer as transcript lines.")


@router.post("/accounts/{uid}/assistant", responses=ERRORS)
def ask_assistant(
    uid: Uid, body: QuestionIn, desk: DeskDep, principal: CurrentPrincipal, lang: Language
) -> AnswerOut:
    """The assistant recognises what the question asks and answers that from the
    account's live eligibility, freezes and closure state, and from the knowledge base, in
    the question's language; it never names a confidential check."""
    from lastgate.desk.service.assistant import ask, turn

    reply = ask(desk, principal, uid, body.question, lang)
    said = turn(desk, uid, body.question, reply)
    spoken = reply.language
    return AnswerOut(
        intent=reply.intent,
        language=spoken,
        closure_state=reply.closure_state,
        items=[
            AnswerItemOut(
                code=item.code,
                text=spoken_text(item.lines, spoken),
                action=item.action,
                link=item.link,
                label=translate(item.label, spoken) if item.label else None,
            )
            for item in reply.items
        ],
        articles=[
            ArticleOut(slug=a.slug, title=a.title, excerpt=a.excerpt) for a in reply.articles
        ],
        handoff=f"/v1/accounts/{uid}/assistant/handoff",
        turn=TurnOut(question=said.question, answer=said.answer, seal=said.seal, at=said.at),
    )


@router.post(
    "/accounts/{uid}/assistant/handoff", status_code=status.HTTP_201_CREATED, responses=ERRORS
)
def talk_to_a_person(
    uid: Uid, body: HandoffIn, desk: DeskDep, principal: CurrentPrincipal, lang: Language
) -> OpenedOut:
    """Hand the conversation to a person: a ticket with the transcript and a snapshot of
    the eligibility report attached. The assistant's lines count only with their seals."""
    from lastgate.desk.model.turns import Line
    from lastgate.desk.service.assistant import handoff

    lines = [Line(x.role, x.text, x.seal, x.at) for x in body.transcript]
    ticket, posted = handoff(desk, principal, uid, lines)
    out = posted_out(posted, principal, lang)
    return OpenedOut(
        ticket=ticket_out(ticket, t.sla(ticket, desk.clock()), principal),
        message=out.message,
        warning=out.warning,
    )


# -- is this official? --------------------------------------------------------------------


class OfficialOut(BaseModel):
    value: str
    kind: str = Field(description="url, email or phone")
    official: bool
    normalised: str = Field(description="The host, address or number that was compared.")
    reason: str = Field(description="Why, in the reader's language.")


@router.get("/official-channels/check", responses=ERRORS)
def is_this_official(
    value: Annotated[str, Query(min_length=1, max_length=2000)], desk: DeskDep, lang: Language
) -> OfficialOut:
    """Anyone: whether a link, e-mail address or phone number is one of our official
    channels. Compared exactly with the configured list; look-alikes are not official."""
    verdict = check(value, desk.official_channels)
    return OfficialOut(
        value=value,
        kind=verdict.kind.value,
        official=verdict.official,
        normalised=verdict.normalised,
        reason=translate(Message(verdict.reason), lang),
    )
