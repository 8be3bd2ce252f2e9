"""Which canned replies fit a ticket, by what actually blocks its customer: the one home of
the mapping check → canned reply (the replies' texts are in ``canned_replies.toml``).

The staff ticket page offers these first, the first of them chosen; when none fits,
nothing is chosen. Every check the customer sees only as ``SUPPORT_REQUIRED`` (an
identity in dispute, an AML investigation) and the withdrawal review share one reply,
``account_review``, true whatever lies behind it, so that what a customer is sent never
tells an investigation from a plain review, not even by difference. Pure."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

from lastgate.desk.model.tickets import TicketCategory
from lastgate.eligibility.model.report import SUPPORT_ONLY_CODES, CheckCode

#: The reply for every review the customer cannot tell apart.
REVIEW_REPLY = "account_review"
#: The reply for what the customer fixes on the self-check, one step each.
SELF_CHECK_REPLY = "fix_on_self_check"
_C = CheckCode

#: The canned reply that answers a check which does not pass.
REPLY_FOR: Mapping[CheckCode, str] = {
    _C.ASSETS_REMAINING: "withdraw_first",
    _C.DEPOSIT_PENDING: "deposit_on_its_way",
    _C.WITHDRAWAL_PENDING: "withdrawal_on_its_way",
    _C.DISPUTE_OPEN: "dispute_open",
    _C.SECURITY_COOLDOWN: "security_cooldown",
    _C.RISK_LOCK: "risk_lock_review",
    _C.KYC_INCOMPLETE: "finish_verification",
    _C.LEGAL_HOLD: "legal_hold",
    _C.WITHDRAWAL_REVIEW: REVIEW_REPLY,
    **{code: REVIEW_REPLY for code in SUPPORT_ONLY_CODES},
    **{
        code: SELF_CHECK_REPLY
        for code in (
            _C.DUST_REMAINING,
            _C.OPEN_ORDERS,
            _C.OPEN_POSITIONS,
            _C.OUTSTANDING_LOANS,
            _C.ACTIVE_EARN,
            _C.ACTIVE_AUTOMATION,
            _C.P2P_ORDER_OPEN,
            _C.API_KEYS_ACTIVE,
            _C.SUB_ACCOUNTS_OPEN,
        )
    },
}
#: The reply a ticket's topic calls for, whatever blocks.
_FOR_TOPIC: Mapping[TicketCategory, str] = {
    TicketCategory.CREDENTIAL_RECOVERY: "need_documents",
}
#: Offered when a message on the ticket had a secret removed.
SECRETS_REPLY = "never_share_secrets"

if {REPLY_FOR[code] for code in SUPPORT_ONLY_CODES} != {REVIEW_REPLY}:  # pragma: no cover
    raise AssertionError("every support-only check must share the review's reply")


def fitting_replies(
    not_passing: Iterable[CheckCode],
    *,
    category: TicketCategory,
    secret_removed: bool = False,
    known: Collection[str] = (),
) -> tuple[str, ...]:
    """The keys of the canned replies that fit, most relevant first, each once: the
    topic's, then one per check that does not pass (in the report's order), then the
    secrets advice if a secret was removed from a message; only replies in ``known``
    when it is given."""
    keys = [_FOR_TOPIC.get(category, "")]
    keys += [REPLY_FOR.get(code, "") for code in not_passing]
    keys.append(SECRETS_REPLY if secret_removed else "")
    fitting = dict.fromkeys(k for k in keys if k and (not known or k in known))
    return tuple(fitting)
