"""The steps a customer takes on the exchange itself, in its own app or website, since
lastgate has no page for them: withdrawing, closing positions, repaying loans, redeeming
savings, finishing P2P orders, closing sub-accounts and finishing identity verification.
The self-check's card says so in these words, with a button to the exchange's page for
the step when the policy names its address (``[exchange]``, ``kernel.policy
.ExchangePages``), and offers support besides."""

from __future__ import annotations

from dataclasses import dataclass

from lastgate.eligibility.model.identity_verification import DONE_ELSEWHERE, FINISH_THERE
from lastgate.eligibility.model.report import Action
from lastgate.kernel.messages import N_
from lastgate.kernel.policy import ExchangePages


@dataclass(frozen=True, slots=True)
class DoneThere:
    """A step done on the exchange: what the card says when the policy names no page for
    it (``note``), the button's label when it does, and the ``ExchangePages`` field."""

    note: str
    button: str
    page: str


STEPS: dict[Action, DoneThere] = {
    Action.WITHDRAW: DoneThere(
        N_(
            "Withdrawals and transfers are made in the exchange's own app or website, not "
            "on these pages: make them there, then check again here."
        ),
        N_("Withdraw on the exchange"),
        "withdrawal_url",
    ),
    Action.CLOSE_POSITIONS: DoneThere(
        N_(
            "Positions are closed in the exchange's own app or website, not on these "
            "pages: close them there, then check again here."
        ),
        N_("Close positions on the exchange"),
        "positions_url",
    ),
    Action.REPAY_LOANS: DoneThere(
        N_(
            "Loans are repaid in the exchange's own app or website, not on these pages: "
            "repay them there, then check again here."
        ),
        N_("Repay loans on the exchange"),
        "loans_url",
    ),
    Action.REDEEM_EARN: DoneThere(
        N_(
            "Savings and staking are redeemed in the exchange's own app or website, not on "
            "these pages: redeem them there, then check again here."
        ),
        N_("Redeem on the exchange"),
        "earn_url",
    ),
    Action.SETTLE_P2P: DoneThere(
        N_(
            "P2P orders are completed or cancelled in the exchange's own app or website, "
            "not on these pages: finish them there, then check again here."
        ),
        N_("Finish P2P orders on the exchange"),
        "p2p_url",
    ),
    Action.CLOSE_SUB_ACCOUNTS: DoneThere(
        N_(
            "Sub-accounts are closed in the exchange's own app or website, not on these "
            "pages: close them there, then check again here."
        ),
        N_("Close sub-accounts on the exchange"),
        "sub_accounts_url",
    ),
    Action.COMPLETE_KYC: DoneThere(DONE_ELSEWHERE, FINISH_THERE, "identity_verification_url"),
}


def page_for(pages: ExchangePages, action: Action) -> str | None:
    """The exchange's page for ``action`` under ``pages``, if it is a step done there and
    the policy names one."""
    step = STEPS.get(action)
    return (getattr(pages, step.page) or None) if step is not None else None
