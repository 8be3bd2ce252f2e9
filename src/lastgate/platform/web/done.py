"""What a page says after the action that led to it: the ``?done=`` note a redirect after
a form names (``pages.Page.render`` shows it)."""

from __future__ import annotations

from lastgate.kernel.messages import N_

#: What a page says after the action that led to it (``?done=``).
DONE = {
    "fixed": N_("Done. The self-check below is run again."),
    "swept": N_("Your small balances were converted."),
    "forfeited": N_("The balances are given up. The self-check below is run again."),
    "forfeited_one": N_("The balance is given up. The self-check below is run again."),
    "frozen": N_("Your account is frozen. You can unfreeze it later with your authenticator."),
    "protected": N_("Your account is frozen to protect it. What happens next is below."),
    "unfrozen": N_("Your account is no longer frozen at your request."),
    "uploaded": N_("File received. An agent will review it."),
    "cancelled": N_("Your closure request is cancelled and your account is active again."),
    "cancelled_still_frozen": N_(
        "Your closure request is cancelled. Your account is still frozen for another reason: "
        "your settings show it."
    ),
    "saved": N_("Your anti-phishing code is saved."),
    "authenticator": N_("Your authenticator app is set up."),
    "reviewed": N_("Your decision on the file is recorded."),
    "first_approval": N_("First approval recorded. A second staff member must approve too."),
    "approved": N_("Approved: the cooling-off period has started."),
    "demo_deposits_arrived": N_("Your deposits have arrived. The self-check below is run again."),
    "demo_deposit_arrived": N_("Your deposit has arrived. The self-check below is run again."),
    "demo_withdrawn": N_("Withdrawn to your own wallet. The self-check below is run again."),
    "demo_security_wait_passed": N_(
        "The waiting period after your security change has passed. The self-check below is "
        "run again."
    ),
    "cooling_off_ended": N_(
        "The cooling-off period has ended. Within seconds the demo's worker makes the final "
        "check and closes the account."
    ),
    "rejected": N_("Rejected. The customer is told the reason and how to appeal."),
    "hold_placed": N_("The hold is placed."),
    "lift_requested": N_("Lift requested. A second compliance officer must confirm it."),
    "hold_lifted": N_("The hold is lifted."),
    "protective_freeze": N_(
        "The account is frozen. The customer is told; only compliance can lift it."
    ),
    "protective_freeze_lifted": N_("The protective freeze is lifted."),
    "ticket_opened": N_("Your message is sent. We will answer here and tell you by e-mail."),
    # A closed account has no e-mail address left: only this page tells of the answer.
    "ticket_opened_closed": N_(
        "Your message is sent. We will answer here: come back to this page."
    ),
    "handoff": N_(
        "A person will take over. They read your conversation below and your account's "
        "situation, and answer on this page."
    ),
    "replied": N_("Your message is sent."),
    "attached": N_("File received."),
    "ticket_closed": N_("The ticket is closed."),
    "ticket_reopened": N_("The ticket is open again."),
    "ticket_resolved": N_("The ticket is resolved."),
    "recovery_completed": N_("Your lost second factor is removed: set up a new authenticator now."),
    "recovery_cancelled": N_("The recovery is stopped."),
    "noted": N_("Internal note added. The customer does not see it."),
    "assigned": N_("Assignment saved."),
    "to_compliance": N_("Handed to compliance."),
    "decided": N_("Decision recorded. The customer is told."),
}
