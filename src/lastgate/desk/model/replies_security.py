"""The assistant's answers about the account's security: a change the customer did not
make (a suspected takeover: freeze now, then a person from the security team) and the
security cooldown a change of their own starts (why closing waits, and until when, as
the customer's report says).

The freeze these answers point to needs no authenticator code, only the customer's own
signed-in session (``closure.service.protective_freeze.report_takeover``): whoever
changed the factor may hold it.
"""

from __future__ import annotations

from lastgate.desk.model.answer_parts import AnswerItem, Situation, check_item, link_line
from lastgate.eligibility.model.report import CheckCode
from lastgate.kernel.messages import N_, Message

#: The page that freezes the account for a suspected takeover (``closure.pages.takeover``).
SECURE_PAGE = "/web/me/secure"
#: The ticket topic a suspected takeover is written under (``desk.model.tickets``).
TAKEOVER_TOPIC = "account_takeover"
FREEZE_NOW = N_("Freeze my account now")
WRITE_TO_SECURITY = N_("Write to our security team")


def _freeze_now(s: Situation) -> AnswerItem:
    if s.facts.protective_freeze:
        lines: tuple[Message, ...] = (
            Message(
                N_(
                    "Your account is frozen to protect it: nobody can trade, deposit, "
                    "withdraw or close it. Only our security team lifts this freeze."
                )
            ),
        )
        return AnswerItem("TAKEOVER_FROZEN", lines, "none", "")
    link = s.links.page(SECURE_PAGE)
    lines = (
        Message(
            N_(
                "If someone else changed your password or your authenticator, freeze your "
                "account now: trading, deposits, withdrawals and closing stop at once. You "
                "need no authenticator code for this, only to be signed in, as you are now."
            )
        ),
        link_line(link),
    )
    return AnswerItem("TAKEOVER_FREEZE", lines, "freeze", link, Message(FREEZE_NOW))


def suspected_takeover(s: Situation) -> list[AnswerItem]:
    """Freeze first (or that it is frozen), then a person from the security team."""
    link = s.links.topic(TAKEOVER_TOPIC)
    security = (
        Message(
            N_(
                "Then tell our security team what changed that you did not change, and "
                "when you noticed. A person checks with you and helps you take your account "
                "back; we never ask for your password or codes."
            )
        ),
        link_line(link),
    )
    return [
        _freeze_now(s),
        AnswerItem(
            "TAKEOVER_SECURITY", security, "security_team", link, Message(WRITE_TO_SECURITY)
        ),
    ]


def security_cooldown(s: Situation) -> list[AnswerItem]:
    """Why a change of security settings makes closing wait, then whether it does now
    (the check's own words, its end date and its line on the self-check), then, while it
    does, the freeze for a change that was not the customer's."""
    why = Message(
        N_(
            "After a change to your security settings (a new phone or authenticator, a new "
            "password), your account cannot be closed for {days} days: if someone else made "
            "the change, they cannot close your account in that time."
        ),
        {"days": str(s.terms.security_cooldown_days)},
    )
    items = [AnswerItem("SECURITY_COOLDOWN_WHY", (why,), "none", "")]
    check = s.failing(CheckCode.SECURITY_COOLDOWN)
    if check is None:
        none = Message(N_("No recent change to your security settings blocks closing now."))
        return [*items, AnswerItem("NO_SECURITY_COOLDOWN", (none,), "none", "")]
    items.append(check_item(check, s.links))
    if not s.facts.protective_freeze:
        link = s.links.page(SECURE_PAGE)
        lines = (
            Message(
                N_(
                    "Not your change? Freeze your account now: you need no authenticator "
                    "code for this."
                )
            ),
            link_line(link),
        )
        items.append(AnswerItem("NOT_YOUR_CHANGE", lines, "freeze", link, Message(FREEZE_NOW)))
    return items
