"""What an error page says, for each error code: its heading, what happened in a person's
words, the step it offers first and the ticket topic a customer may open about it; and
what each step's button says and where it leads. ``error_pages`` picks the entry."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from lastgate.kernel.messages import N_


class Step(StrEnum):
    """The way forward an error page offers first."""

    AGAIN = "again"  # open the same address again (after a form: back to it)
    BACK = "back"  # back to the form, with what was typed still in it
    NEW_QUOTE = "new_quote"  # a fresh quote for the dust sweep
    SELF_CHECK = "self_check"  # the self-check shows where the account stands
    SETTINGS = "settings"  # the freeze lives in the settings
    HOME = "home"  # the person's own start page
    SIGN_OUT = "sign_out"  # end this session (a form), to sign in through the exchange again


#: The ticket topics (``desk`` ``TicketCategory`` values) an error page may preselect.
TOPIC_OTHER = "other"
TOPIC_BLOCKED = "closure_blocked"
TOPIC_RECOVERY = "credential_recovery"
TOPIC_IDENTITY = "identity"


@dataclass(frozen=True)
class Advice:
    """An error page's heading, what happened, the step it offers, and the topic of the
    ticket a customer may open about it."""

    heading: str
    what: str
    step: Step
    topic: str = TOPIC_OTHER


_QUOTE = Advice(
    N_("This quote is no longer valid"),
    N_(
        "Quotes hold for a short time, and prices or balances have moved since. "
        "Nothing was converted. Get a new quote and confirm it."
    ),
    Step.NEW_QUOTE,
    TOPIC_BLOCKED,
)
_CHANGED = Advice(
    N_("Something changed in the meantime"),
    N_(
        "The page you acted on was out of date, so nothing was done. "
        "Open it again to see where things stand now."
    ),
    Step.AGAIN,
)
_FOUR_EYES = Advice(
    N_("Another person must take this step"),
    N_("Four-eyes rule: this step must be taken by a different staff member."),
    Step.HOME,
)
_NOTHING_LEFT = Advice(
    N_("There is nothing left to do here"),
    N_("Your small balances were dealt with already. The self-check shows what is left."),
    Step.SELF_CHECK,
)
_FILE = Advice(
    N_("This file cannot be accepted"),
    N_("Send a PDF, JPEG or PNG file that is not empty and within the size limit."),
    Step.BACK,
)

#: Each code's advice; the codes of base classes (``NOT_FOUND``, ``CONFLICT`` …) are the
#: fallbacks of the codes derived from them.
ADVICE: dict[str, Advice] = {
    "NOT_FOUND": Advice(
        N_("We cannot find this page"),
        N_(
            "The address may be mistyped or out of date, or the page has moved. "
            "Nothing is wrong with your account."
        ),
        Step.HOME,
    ),
    "METHOD_NOT_ALLOWED": Advice(
        N_("This address is not a page"),
        N_("It only takes what a form sends. Open the page the form is on and send it there."),
        Step.HOME,
    ),
    "FORBIDDEN": Advice(
        N_("This page is not open to you"),
        N_("The account you are signed in with may not open it or do this."),
        Step.HOME,
    ),
    "CSRF_REFUSED": Advice(
        N_("The form has expired"),
        N_(
            "For your safety nothing was done: the form was opened too long ago or in "
            "another session. Go back, reload the page and send it again."
        ),
        Step.BACK,
    ),
    "INVALID_INPUT": Advice(
        N_("Something in the form is not right"),
        N_("Nothing was changed. Go back, check each field and send the form again."),
        Step.BACK,
    ),
    "VERIFICATION_FAILED": Advice(
        N_("The code did not work"),
        N_("The code is wrong, has expired or was used already. Ask for a new code and enter it."),
        Step.BACK,
    ),
    "VERIFICATION_LOCKED": Advice(
        N_("Verification is locked for now"),
        N_(
            "Too many wrong codes were entered, so we stopped accepting codes for a while "
            "to protect your account. Try again later, or ask support to help you recover it."
        ),
        Step.HOME,
        TOPIC_RECOVERY,
    ),
    "CODE_SEND_LIMITED": Advice(
        N_("A code was sent a moment ago"),
        N_("Use the code you already received, or wait a little before asking for another."),
        Step.BACK,
    ),
    "RATE_LIMITED": Advice(
        N_("Please slow down"),
        N_("Too many requests in a short time. Wait a little, then try again."),
        Step.AGAIN,
    ),
    "BODY_TOO_LARGE": Advice(
        N_("This file is too large"),
        N_("What you sent is too large. Choose a smaller file."),
        Step.BACK,
    ),
    "EVIDENCE_REFUSED": _FILE,
    "ATTACHMENT_REFUSED": _FILE,
    "INVALID_ANTI_PHISHING_CODE": Advice(
        N_("This anti-phishing code cannot be used"),
        N_("Choose 4 to 20 letters or digits, without spaces or other signs."),
        Step.BACK,
    ),
    "CONFLICT": _CHANGED,
    "CLOSURE_ALREADY_OPEN": Advice(
        N_("You already have a closure request"),
        N_("Only one request can be open at a time. Follow it from your self-check."),
        Step.SELF_CHECK,
    ),
    "NOT_ELIGIBLE": Advice(
        N_("Your account cannot be closed yet"),
        N_("The self-check shows what still stands in the way, and how to clear each item."),
        Step.SELF_CHECK,
        TOPIC_BLOCKED,
    ),
    "ACCOUNT_PROTECTED": Advice(
        N_("Your account is frozen to protect it"),
        N_("It can be closed once our security team has checked with you and lifted the freeze."),
        Step.SELF_CHECK,
    ),
    "ALREADY_FROZEN": Advice(
        N_("Your account is frozen already"),
        N_("Nothing more needs doing. Your settings show the freeze and when it can end."),
        Step.SETTINGS,
    ),
    "NOT_FROZEN": Advice(
        N_("Your account is not frozen"),
        N_("There is no freeze at your request to lift."),
        Step.SETTINGS,
    ),
    "UNFREEZE_TOO_EARLY": Advice(
        N_("It is too early to unfreeze"),
        N_("A freeze you ask for lasts at least until the time shown in your settings."),
        Step.SETTINGS,
    ),
    "ACCOUNT_FROZEN": Advice(
        N_("Your account is frozen"),
        N_("Nothing can be converted while it is frozen. Unfreeze it in your settings first."),
        Step.SETTINGS,
    ),
    "QUOTE_NOT_FOUND": _QUOTE,
    "QUOTE_EXPIRED": _QUOTE,
    "QUOTE_ALREADY_USED": _QUOTE,
    "PRICE_MOVED": _QUOTE,
    "BALANCES_CHANGED": Advice(
        N_("Your balances changed since this page was shown"),
        N_(
            "Nothing more was done. The self-check shows where your balances stand now "
            "and what is left to do."
        ),
        Step.SELF_CHECK,
        TOPIC_BLOCKED,
    ),
    "SWEEP_TOO_FREQUENT": Advice(
        N_("A conversion was made a moment ago"),
        N_("Wait a little before converting again. The self-check shows what is left."),
        Step.SELF_CHECK,
    ),
    "SWEEP_RESULT_DUST": Advice(
        N_("Converting would not unblock closing"),
        N_(
            "Nothing was converted. After the fee, what you would receive would still be a "
            "small balance. The self-check shows the amount and offers to give them up instead."
        ),
        Step.SELF_CHECK,
    ),
    "NOTHING_TO_SWEEP": _NOTHING_LEFT,
    "NOTHING_TO_FORFEIT": _NOTHING_LEFT,
    "TARGET_UNPRICED": Advice(
        N_("This conversion is not available right now"),
        N_(
            "We cannot price the asset to convert into at the moment. Try again later, "
            "or give the small balances up instead."
        ),
        Step.SELF_CHECK,
        TOPIC_BLOCKED,
    ),
    "FORFEIT_CONSENT_REQUIRED": Advice(
        N_("Please confirm first"),
        N_("Tick the box that says you give the small balances up, then send the form again."),
        Step.BACK,
    ),
    "FORFEIT_OVER_LIMIT": Advice(
        N_("These balances are too large to give up"),
        N_("Convert or withdraw them instead, or ask support what to do with them."),
        Step.SELF_CHECK,
        TOPIC_BLOCKED,
    ),
    "REOPEN_WINDOW_OVER": Advice(
        N_("This ticket can no longer be reopened"),
        N_("Open a new ticket and mention this one: we will pick it up from there."),
        Step.HOME,
    ),
    "SECOND_APPROVER_REQUIRED": _FOUR_EYES,
    "DIFFERENT_REVIEWER_REQUIRED": _FOUR_EYES,
    "RECOVERY_WAITING": Advice(
        N_("The recovery is still waiting"),
        N_("Its waiting period has not ended yet. Come back to the ticket when it has."),
        Step.AGAIN,
    ),
    "EVIDENCE_MISSING": Advice(
        N_("Evidence is missing"),
        N_(
            "A recovery needs an identity document and a video statement on the ticket. "
            "Ask the customer for what is missing, then decide."
        ),
        Step.AGAIN,
    ),
    "SERVICE_UNAVAILABLE": Advice(
        N_("We cannot answer right now"),
        N_(
            "A part of the service is not answering for a moment. Nothing was changed. "
            "Try again in a minute."
        ),
        Step.AGAIN,
    ),
    "INTERNAL_ERROR": Advice(
        N_("Something went wrong on our side"),
        N_(
            "We could not finish this and have been told. Nothing you did caused it. "
            "Try again in a minute; if it keeps happening, write to support."
        ),
        Step.AGAIN,
    ),
    "LASTGATE_ERROR": Advice(
        N_("This did not work"),
        N_("Nothing was changed. Go back and try again; if it keeps happening, write to support."),
        Step.BACK,
    ),
}

#: What an error reads as after a form, where it differs: what the form names is missing,
#: not the page.
AFTER_FORM: dict[str, Advice] = {
    "NOT_FOUND": Advice(
        N_("We cannot find what the form names"),
        N_("Nothing was changed. Go back, check what you typed and send the form again."),
        Step.BACK,
    ),
    "ACCOUNT_NOT_FOUND": Advice(
        N_("We cannot find this account"),
        N_("No account has this UID. Nothing was changed. Go back and check what you typed."),
        Step.BACK,
    ),
}

#: A form field refused for an invisible (control) character (``input_guard``): named when
#: its label is known, else in general. ``static/forms.js`` takes such characters out of
#: what it puts back into the form.
INVISIBLE_IN_FIELD = Advice(
    N_("An invisible character was in the form"),
    N_(
        "“{field}” held an invisible character, often carried along with copied text, so "
        "nothing was done. It has been taken out of the form: go back, check the text and "
        "send it again."
    ),
    Step.BACK,
)
INVISIBLE_IN_FORM = Advice(
    INVISIBLE_IN_FIELD.heading,
    N_(
        "A field held an invisible character, often carried along with copied text, so "
        "nothing was done. It has been taken out of the form: go back, check the text and "
        "send it again."
    ),
    Step.BACK,
)

#: A customer signed in with a UID that has no account here (whatever page they opened):
#: the start page would only lead back to this, and a ticket needs an account.
NO_ACCOUNT = Advice(
    N_("We cannot find your account"),
    N_(
        "You are signed in with a UID that has no account here. If you opened your "
        "account only just now, it can take a few minutes to reach us: sign out, and sign "
        "in through your exchange again a little later. If this keeps happening, contact "
        "your exchange's support."
    ),
    Step.SIGN_OUT,
    "",
)

#: A page missing for staff (or someone signed out): no word about "your account", which
#: is not theirs.
NOT_FOUND_FOR_STAFF = Advice(
    N_("We cannot find this page"),
    N_("The address may be mistyped or out of date, or what it names no longer exists."),
    Step.HOME,
)

#: What each step's link or button says.
STEP_LABELS: dict[Step, str] = {
    Step.AGAIN: N_("Try again"),
    Step.BACK: N_("Go back to the form"),
    Step.NEW_QUOTE: N_("Get a new quote"),
    Step.SELF_CHECK: N_("Open the self-check"),
    Step.SETTINGS: N_("Open your settings"),
    Step.HOME: N_("Go to your start page"),
    Step.SIGN_OUT: N_("Sign out"),
}

#: Where each step leads (``AGAIN`` and ``BACK`` are worked out from the request).
STEP_PATHS: dict[Step, str] = {
    Step.NEW_QUOTE: "/web/me/dust-sweep",
    Step.SELF_CHECK: "/web/me",
    Step.SETTINGS: "/web/me/settings",
    Step.HOME: "/web",
    Step.SIGN_OUT: "/web/sign-out",
}
