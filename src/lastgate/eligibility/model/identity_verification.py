"""Where a customer finishes identity verification: in the exchange's own app or website,
since lastgate has no page for it, at the address the policy names
(``exchange.identity_verification_url``) when it names one. The self-check's card and
the assistant say it in these words, and both offer support besides."""

from __future__ import annotations

from lastgate.kernel.messages import N_
from lastgate.kernel.policy import Policy

#: The button to the exchange's verification, when the policy names its address.
FINISH_THERE = N_("Finish identity verification")
#: Said when it names none: where it is done, truthfully, and what follows.
DONE_ELSEWHERE = N_(
    "Identity verification is done in the exchange's own app or website, not on these "
    "pages: finish it there, then check again here."
)


def verification_address(policy: Policy) -> str | None:
    """The exchange's identity verification page under ``policy``, if it names one."""
    return policy.exchange.identity_verification_url or None
