"""Where each demo customer's journey ends when they apply every fix the self-check offers,
in order: "may close", or the blockers left, each with where its card leads (a ticket topic
or a dated wait). Shared by the HTTP walk and the browser walk."""

from __future__ import annotations

#: Ticket topics the cards must preselect, by check code; every other code that leads to
#: a ticket leads to ``closure_blocked`` (``SUPPORT_REQUIRED`` among them, like any
#: ordinary support case, so that the topic tells nothing about an investigation).
TOPICS = {
    "RISK_LOCK": "account_locked",
    "KYC_INCOMPLETE": "identity",
    "DISPUTE_OPEN": "dispute",
    "P2P_ORDER_OPEN": "dispute",
}
DEFAULT_TOPIC = "closure_blocked"
MAY_CLOSE = "may close"
WAIT = "wait"


def ticket(code: str) -> str:
    return f"ticket:{TOPICS.get(code, DEFAULT_TOPIC)}"


#: Each demo customer → "may close", or {blocker: the way its card must offer at the end}.
ENDS: dict[str, str | dict[str, str]] = {
    "DEMO-CLEAN-EU": MAY_CLOSE,
    "DEMO-CLEAN-US": MAY_CLOSE,
    "DEMO-CLEAN-DORMANT": MAY_CLOSE,
    "DEMO-CLEAN-KEYS": MAY_CLOSE,
    "DEMO-CLEAN-COOLDOWN-OVER": MAY_CLOSE,
    "DEMO-CLEAN-VERIFY": MAY_CLOSE,  # closing asks for identity evidence (a recent risk lock)
    "DEMO-DUST": MAY_CLOSE,  # converting would leave dust: not offered; give them all up
    # Converted (it clears the line), the delisted token given up on its own: withdraw the USDT.
    "DEMO-DUST-CONVERT": {"ASSETS_REMAINING": ticket("ASSETS_REMAINING")},
    "DEMO-OPEN-ORDERS": MAY_CLOSE,
    "DEMO-API-KEYS": MAY_CLOSE,
    "DEMO-AUTOMATION": MAY_CLOSE,
    "DEMO-WITHDRAWAL-REVIEW": MAY_CLOSE,  # a review does not block
    "DEMO-ASSETS": {"ASSETS_REMAINING": ticket("ASSETS_REMAINING")},
    "DEMO-DEPOSIT-PENDING": {"DEPOSIT_PENDING": WAIT},
    "DEMO-DUST-DEPOSIT": {"DEPOSIT_PENDING": WAIT},  # settled as dust once it lands, not before
    "DEMO-WITHDRAWAL-PENDING": {"WITHDRAWAL_PENDING": WAIT},
    "DEMO-POSITIONS": {"OPEN_POSITIONS": ticket("OPEN_POSITIONS")},
    "DEMO-LOANS": {"OUTSTANDING_LOANS": ticket("OUTSTANDING_LOANS")},
    "DEMO-EARN": {"ACTIVE_EARN": WAIT},
    "DEMO-P2P": {"P2P_ORDER_OPEN": ticket("P2P_ORDER_OPEN")},
    "DEMO-DISPUTE": {"DISPUTE_OPEN": ticket("DISPUTE_OPEN")},
    "DEMO-SUB-ACCOUNTS": {"SUB_ACCOUNTS_OPEN": ticket("SUB_ACCOUNTS_OPEN")},
    "DEMO-SECURITY-COOLDOWN": {"SECURITY_COOLDOWN": WAIT},
    "DEMO-RISK-LOCK": {"RISK_LOCK": ticket("RISK_LOCK")},
    "DEMO-KYC-INCOMPLETE": {"KYC_INCOMPLETE": ticket("KYC_INCOMPLETE")},
    "DEMO-KYC-DISPUTED": {"SUPPORT_REQUIRED": ticket("SUPPORT_REQUIRED")},
    "DEMO-LEGAL-HOLD": {"LEGAL_HOLD": ticket("LEGAL_HOLD")},
    "DEMO-COMPLIANCE-REVIEW": {"SUPPORT_REQUIRED": ticket("SUPPORT_REQUIRED")},
    "DEMO-ACTIVE-TRADER": {"ASSETS_REMAINING": ticket("ASSETS_REMAINING")},
    "DEMO-MARGIN-TRADER": {
        "ASSETS_REMAINING": ticket("ASSETS_REMAINING"),
        "OPEN_POSITIONS": ticket("OPEN_POSITIONS"),
        "OUTSTANDING_LOANS": ticket("OUTSTANDING_LOANS"),
    },
    "DEMO-STUCK": {"DEPOSIT_PENDING": WAIT, "SECURITY_COOLDOWN": WAIT},
    "DEMO-RISK-AML": {
        "RISK_LOCK": ticket("RISK_LOCK"),
        "SUPPORT_REQUIRED": ticket("SUPPORT_REQUIRED"),
    },
    "DEMO-LEAVING": {"WITHDRAWAL_PENDING": WAIT},
}

#: Words that would tip off a customer under investigation; no customer page may say them.
TIP_OFFS = ("COMPLIANCE_REVIEW", "AML", "nvestigation", "money laundering", "反洗钱", "调查")
