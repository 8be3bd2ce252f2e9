"""What lastgate tells a customer: one subject and body per topic, in their language.

Every notice opens with the customer's anti-phishing code (when they set one) and a
reminder that staff never ask for secrets, so a forged e-mail or SMS is easy to spot.
The domain composes ``Message`` values in the customer's language (the one they last
used, remembered for notices): dates in that language's format, check codes as their
labels; the caller renders the messages with the same language.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from lastgate.kernel.errors import InvalidInput
from lastgate.kernel.i18n import ENGLISH
from lastgate.kernel.messages import N_, Message
from lastgate.kernel.present import formats
from lastgate.kernel.present.labels import label
from lastgate.kernel.present.vocabulary import Kind
from lastgate.notices.decision_topics import DECISION_TOPICS
from lastgate.notices.security_topics import SECURITY_TOPICS
from lastgate.notices.template import NoticeTemplate

#: A customer's anti-phishing code: 4 to 20 ASCII letters or digits.
ANTI_PHISHING_CODE_PATTERN = r"^[A-Za-z0-9]{4,20}$"
_ANTI_PHISHING_CODE = re.compile(ANTI_PHISHING_CODE_PATTERN)

ANTI_PHISHING_LINE = N_("Your anti-phishing code: {code}")
NEVER_ASK_LINE = N_(
    "Our staff will never ask for your password, verification codes or seed phrase."
)


class InvalidNotice(InvalidInput):
    """A notice of an unknown topic, or without a parameter its text needs."""

    code = "INVALID_NOTICE"


class InvalidAntiPhishingCode(InvalidInput):
    """An anti-phishing code that is not 4 to 20 letters or digits."""

    code = "INVALID_ANTI_PHISHING_CODE"


#: The links delivery adds to every notice: ``support_url``, where a customer who did not
#: ask for what a notice says writes to support, ``certificate_url``, the closed
#: account's page, where its closure certificate is downloaded once erasure has issued it
#: (the platform's ``CLOSED_PATH``), ``selfcheck_url``, the self-check, which shows
#: what stops a closure and any request in progress, and ``secure_url``, the page of a
#: freeze that protects the account (placed, lifted, and what still holds it). The use
#: cases build the others.
SUPPORT_PATH = "/web/tickets#new"
CERTIFICATE_PATH = "/web/me/closed"
SELFCHECK_PATH = "/web/me"
SECURE_PATH = "/web/me/secure"


def support_url(public_base_url: str) -> str:
    """Where "contact support at once" leads: the desk's new-ticket form."""
    return public_base_url.rstrip("/") + SUPPORT_PATH


def certificate_url(public_base_url: str) -> str:
    """Where a closed customer downloads their closure certificate: the closed account's
    page (sign-in first when signed out)."""
    return public_base_url.rstrip("/") + CERTIFICATE_PATH


def delivery_links(public_base_url: str) -> dict[str, str]:
    """The links delivery adds to every notice's parameters; a topic prints those its
    text names."""
    return {
        "support_url": support_url(public_base_url),
        "certificate_url": certificate_url(public_base_url),
        "selfcheck_url": public_base_url.rstrip("/") + SELFCHECK_PATH,
        "secure_url": public_base_url.rstrip("/") + SECURE_PATH,
    }


TOPICS: Mapping[str, NoticeTemplate] = {
    "verification_code": NoticeTemplate(
        N_("Your account closure verification code"),
        N_(
            "Your verification code is {code}. It expires at {expires_at}. If you did not "
            "ask to close your account, do not share this code and contact support at once: "
            "{support_url}"
        ),
        ("code", "expires_at", "support_url"),
        secret=("code",),
    ),
    "closure_submitted": NoticeTemplate(
        N_("We received your request to close your account"),
        N_(
            "We received your request to close your account. Next, confirm that it is you "
            "with a second factor. If you did not ask for this, contact support at once: "
            "{support_url}"
        ),
        ("support_url",),
    ),
    "cooling_off_started": NoticeTemplate(
        N_("Your account is frozen until it is closed"),
        N_(
            "Your closure request has passed its checks. Your account is frozen (no "
            "trading, deposits or withdrawals) and will be closed after {ends_at}. Until then "
            "you can change your mind and cancel: {cancel_url}"
        ),
        ("ends_at", "cancel_url"),
    ),
    "cooling_off_reminder": NoticeTemplate(
        N_("Your account will be closed in 24 hours"),
        N_(
            "Your account will be closed after {ends_at}. To keep it, cancel before then: "
            "{cancel_url}"
        ),
        ("ends_at", "cancel_url"),
    ),
    "cooling_off_ended": NoticeTemplate(
        N_("Your cooling-off period has ended"),
        N_(
            "Your cooling-off period has ended. We are running the final checks and will "
            "close your account shortly."
        ),
    ),
    "closure_completed": NoticeTemplate(
        N_("Your account is closed"),
        N_(
            "Your account is closed. We keep only the records the law requires, for as long "
            "as it requires them; your closure certificate lists them. Download the "
            "certificate from your closed account's page, where it appears within minutes: "
            "{certificate_url}"
        ),
        ("certificate_url",),
    ),
    "closure_blocked": NoticeTemplate(
        N_("We could not close your account"),
        N_(
            "The final check found something that prevents closing your account: {reasons}. "
            "Your account is unfrozen. Resolve these and submit a new request."
        ),
        ("reasons",),
    ),
    "closure_rejected": NoticeTemplate(
        N_("Your account closure request was rejected"),
        N_("Your closure request was rejected: {reason}. You can appeal here: {appeal_url}"),
        ("reason", "appeal_url"),
    ),
    "closure_cancelled_protected": NoticeTemplate(
        N_("Your account closure request is cancelled"),
        N_(
            "Your account is frozen to protect it, so your closure request is cancelled: "
            "someone else may have made it. Once our security team has checked with you and "
            "lifted the freeze, you can ask again. Questions: {support_url}"
        ),
        ("support_url",),
    ),
    "closure_cancelled": NoticeTemplate(
        N_("Your account closure is cancelled"),
        N_(
            "Your closure request is cancelled and your account stays open. If you did not "
            "cancel it, contact support at once: {support_url}"
        ),
        ("support_url",),
    ),
    # Sent when a person reviews the request, and when a hold pauses it: the same words
    # either way, so that a hold (an AML investigation) cannot be told from a review.
    "closure_on_hold": NoticeTemplate(
        N_("Your account closure request is being reviewed"),
        N_(
            "A member of our team is reviewing your closure request. This can take some "
            "time, and you do not need to do anything. We will tell you the outcome."
        ),
    ),
    # Sent when a hold that paused a request before its verification is lifted: the
    # "being reviewed" above is over, whatever the hold was, and the customer goes on.
    "closure_review_done_verify": NoticeTemplate(
        N_("Your account closure request goes on"),
        N_(
            "Our review of your closure request is finished and the request goes on. "
            "Next, confirm that it is you with a second factor, from your self-check: "
            "{selfcheck_url}"
        ),
        ("selfcheck_url",),
    ),
    "account_frozen": NoticeTemplate(
        N_("Your account is frozen"),
        N_(
            "Your account is frozen: trading, deposits and withdrawals are paused. If you "
            "did not ask for this, contact support at once: {support_url}"
        ),
        ("support_url",),
    ),
    "account_frozen_protective": NoticeTemplate(
        N_("We froze your account to protect it"),
        N_(
            "To protect your account, our team froze it: trading, deposits and withdrawals "
            "are paused. Only our team can lift this freeze. Contact support in your "
            "account or through our official channels; we will never ask for your "
            "password or codes."
        ),
    ),
    "account_frozen_reported": NoticeTemplate(
        N_("Your account is frozen to protect it"),
        N_(
            "You froze your account because someone else may have changed your security "
            "settings: trading, deposits, withdrawals and closing are paused. Our security "
            "team lifts this freeze once they have checked with you that the account is "
            "yours again. If you did not freeze it, contact support at once: {support_url}"
        ),
        ("support_url",),
    ),
    "desk_reply": NoticeTemplate(
        N_("Support replied to your ticket"),
        N_(
            "We replied to your support ticket {ticket_ref}. Read the reply in your account, "
            "not in this message: {ticket_url}"
        ),
        ("ticket_ref", "ticket_url"),
    ),
    "recovery_approved": NoticeTemplate(
        N_("Your account recovery was approved"),
        N_(
            "Your request to replace your second factor was approved. For your safety it "
            "takes effect after {effective_at}. If you did not ask for this, contact "
            "support at once to stop it: {ticket_url}"
        ),
        ("effective_at", "ticket_url"),
    ),
    "campaign_announced": NoticeTemplate(
        N_("We will close your account on {deadline_at}"),
        N_(
            "We are ending our service where you live and will close your account on "
            "{deadline_at}. From now on your account is withdraw-only: deposits, trading, "
            "P2P and earn are closed; withdrawals stay open. Before that date, withdraw "
            "your assets and resolve anything that stops the closure: see what is left to "
            "do here: {selfcheck_url}. Download a copy of your data here: {export_url}. "
            "On that date we close the account if nothing is left; otherwise our support "
            "team contacts you."
        ),
        ("deadline_at", "selfcheck_url", "export_url"),
    ),
    "campaign_reminder": NoticeTemplate(
        N_("Reminder: your account will be closed on {deadline_at}"),
        N_(
            "Your account will be closed on {deadline_at} (days left: {days_left}). "
            "Withdraw your assets and resolve anything left before then: {selfcheck_url}. "
            "Download a copy of your data: {export_url}"
        ),
        ("deadline_at", "days_left", "selfcheck_url", "export_url"),
    ),
    "campaign_action_needed": NoticeTemplate(
        N_("We could not close your account yet"),
        N_(
            "The date we announced has come, but something still stops us from closing "
            "your account. It stays withdraw-only. See what is left and how to fix it: "
            "{selfcheck_url}. Our support team will contact you."
        ),
        ("selfcheck_url",),
    ),
    "campaign_closure_started": NoticeTemplate(
        N_("We are closing your account as announced"),
        N_(
            "As we announced, we are closing your account. It is frozen now and will be "
            "closed after {ends_at}. You will receive your closure certificate."
        ),
        ("ends_at",),
    ),
    "campaign_cancelled": NoticeTemplate(
        N_("We are no longer closing your account"),
        N_(
            "We are no longer closing your account. Deposits, trading, P2P and earn are "
            "open again, unless another restriction applies to your account."
        ),
    ),
    "account_unfrozen": NoticeTemplate(
        N_("Your account is unfrozen"),
        N_("Your account is unfrozen: trading, deposits and withdrawals are available again."),
    ),
    **DECISION_TOPICS,
    **SECURITY_TOPICS,
}


@dataclass(frozen=True, slots=True)
class Notice:
    """A notice ready to render: its subject and the lines of its body, in order."""

    topic: str
    subject: Message
    lines: tuple[Message, ...]


@dataclass(frozen=True, slots=True)
class RenderedNotice:
    """A notice as text in one language."""

    subject: str
    body: str


def validate_anti_phishing_code(code: str) -> str:
    """``code`` when it is 4 to 20 letters or digits; refuses anything else."""
    if not _ANTI_PHISHING_CODE.fullmatch(code):
        raise InvalidAntiPhishingCode(
            "the anti-phishing code must be 4 to 20 letters or digits",
            details=[{"path": "code", "reason": "4 to 20 letters or digits"}],
        )
    return code


def compose(
    topic: str,
    params: Mapping[str, str],
    *,
    anti_phishing_code: str | None,
    language: str = ENGLISH,
) -> Notice:
    """The notice of ``topic`` for a reader of ``language``; refuses an unknown topic or a
    missing parameter."""
    template = TOPICS.get(topic)
    if template is None:
        raise InvalidNotice(f"no notice topic {topic!r}")
    missing = [name for name in template.params if not params.get(name)]
    if missing:
        raise InvalidNotice(f"notice {topic!r} needs {', '.join(missing)}")
    values = {name: _display(name, params[name], language) for name in template.params}
    header: tuple[Message, ...] = ()
    if anti_phishing_code:
        header = (Message(ANTI_PHISHING_LINE, {"code": anti_phishing_code}),)
    return Notice(
        topic=topic,
        subject=Message(template.subject, values),
        lines=(*header, Message(NEVER_ASK_LINE), Message(template.body, values)),
    )


def render(notice: Notice, translate: Callable[[Message], str]) -> RenderedNotice:
    """``notice`` as text: the header lines, a blank line, then the body."""
    *header, body = (translate(line) for line in notice.lines)
    return RenderedNotice(
        subject=translate(notice.subject), body="\n".join(header) + "\n\n" + body + "\n"
    )


#: Parameters that hold check codes, comma-separated (``closure_blocked``'s blockers).
CODE_LIST_PARAMS = frozenset({"reasons"})
_LIST_SEPARATOR = {ENGLISH: ", "}
#: Parameters holding a code shown as its label in the reader's language (a refused
#: evidence file's kind and why it was refused).
LABELLED_PARAMS = {
    "evidence_kind": Kind.EVIDENCE_KIND,
    "refusal": Kind.EVIDENCE_REFUSAL,
    "freeze_left": Kind.FREEZE_LEFT,
}
#: Parameters holding a sentence a person typed, set inside a template's own sentence
#: (``closure_rejected``'s reason): its closing full stop goes, the template has one.
TYPED_SENTENCE_PARAMS = frozenset({"reason"})


def _display(name: str, value: str, language: str) -> str:
    """Timestamps (``*_at``) as the reader's date and time (``Dec 7, 2026, 12:00 UTC``,
    ``2026年12月7日 12:00 UTC``); check codes and other coded values as their labels; a
    typed sentence without its full stop; anything else unchanged."""
    if name in CODE_LIST_PARAMS:
        labels = [label(Kind.CHECK, code.strip(), language) for code in value.split(",")]
        return _LIST_SEPARATOR.get(language, "、").join(labels)
    if name in LABELLED_PARAMS:
        return label(LABELLED_PARAMS[name], value, language)
    if name in TYPED_SENTENCE_PARAMS:
        return value.rstrip().removesuffix(".").removesuffix("。")
    if not name.endswith("_at"):
        return value
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return formats.datetime_text(moment, language)
