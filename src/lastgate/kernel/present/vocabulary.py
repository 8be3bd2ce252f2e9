"""The words people read for the codes lastgate works with: one table per kind.

Keys are the codes as the features spell them (their enums' values, kept as strings so
that the kernel imports no feature); values are English gettext msgids. A test checks
that every value of every enum shown to people has its label here
(tests/unit/test_present_labels.py). Look labels up with ``labels.label``.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from lastgate.kernel.messages import N_


class Kind(StrEnum):
    """What a code names; each kind has its own table."""

    CHECK = "check"  # eligibility check codes, as a card's heading
    STATUS = "status"  # a check's verdict
    FIELD = "field"  # evidence columns
    VALUE = "value"  # evidence values: account types, order states, kinds …
    CLOSURE_STATE = "closure_state"
    HOLD_KIND = "hold_kind"
    REASON = "reason"  # why a customer leaves
    EVENT = "event"  # audit and timeline events
    TICKET_STATE = "ticket_state"
    TOPIC = "topic"  # a ticket's category
    ROLE = "role"
    SECRET_KIND = "secret_kind"  # what the redaction removed from a message (SecretKind)
    EVIDENCE_KIND = "evidence_kind"  # a kind of identity evidence, as its customer reads it
    EVIDENCE_REFUSAL = "evidence_refusal"  # why a file was refused, and what to send instead
    FREEZE_LEFT = "freeze_left"  # what keeps an account frozen once one of its freezes goes


CHECKS = {
    "ASSETS_REMAINING": N_("Assets left in your account"),
    "DUST_REMAINING": N_("Small balances left"),
    "DEPOSIT_PENDING": N_("Deposits in progress"),
    "WITHDRAWAL_PENDING": N_("Withdrawals in progress"),
    "OPEN_ORDERS": N_("Open orders"),
    "OPEN_POSITIONS": N_("Open positions"),
    "OUTSTANDING_LOANS": N_("Loans to repay"),
    "ACTIVE_EARN": N_("Savings and staking"),
    "ACTIVE_AUTOMATION": N_("Recurring buys and trading bots"),
    "P2P_ORDER_OPEN": N_("P2P orders in progress"),
    "DISPUTE_OPEN": N_("Open disputes"),
    "API_KEYS_ACTIVE": N_("API keys"),
    "SUB_ACCOUNTS_OPEN": N_("Sub-accounts"),
    "SECURITY_COOLDOWN": N_("Recent security changes"),
    "RISK_LOCK": N_("Risk control lock"),
    "WITHDRAWAL_REVIEW": N_("Withdrawals to review"),
    "KYC_INCOMPLETE": N_("Identity verification"),
    "KYC_DISPUTED": N_("Identity in question"),
    "LEGAL_HOLD": N_("Legal hold"),
    "COMPLIANCE_REVIEW": N_("Compliance review"),
    "SUPPORT_REQUIRED": N_("Our support team must help"),
}

STATUSES = {"pass": N_("Pass"), "block": N_("Blocked"), "review": N_("Needs review")}

FIELDS = {
    "account_type": N_("Account"),
    "asset": N_("Asset"),
    "available": N_("Available"),
    "frozen": N_("Locked"),
    "value_usd": N_("Value (USD)"),
    "amount": N_("Amount"),
    "id": N_("Reference"),
    "kind": N_("Type"),
    "status": N_("Status"),
    "label": N_("Name"),
    "created_at": N_("Created"),
    "placed_at": N_("Placed"),
    "changed_at": N_("Changed"),
    "ends_at": N_("Ends"),
    "matures_at": N_("Matures"),
    "expected_completion_at": N_("Expected by"),
    "uid": N_("Account ID"),
    "product": N_("Product"),
    "symbol": N_("Trading pair"),  # not "Market": that is an order kind (VALUES)
    "size": N_("Size"),
    "outstanding": N_("Still owed"),
    "change": N_("Change"),
    "kyc_status": N_("Identity verification"),
    "mismatch": N_("Not the verified person"),
    "reason": N_("Reason"),
    "count": N_("Number"),
    "side": N_("Side"),
    "fee": N_("Fee"),
    "net": N_("You receive"),
    "target_asset": N_("Converted into"),
    "lands_as": N_("Arrives as"),
}

VALUES = {
    # accounts (AccountType)
    "funding": N_("Funding"),
    "trading": N_("Trading"),
    "margin": N_("Margin"),
    "futures": N_("Futures"),
    "options": N_("Options"),
    "earn": N_("Earn"),
    "fiat": N_("Fiat"),
    # products (Product)
    "spot": N_("Spot"),
    "perpetual": N_("Perpetual futures"),
    "convert": N_("Convert"),
    # orders (OrderKind, OrderStatus)
    "limit": N_("Limit"),
    "market": N_("Market"),
    "stop": N_("Stop"),
    "take_profit": N_("Take profit"),
    "trailing_stop": N_("Trailing stop"),
    "oco": N_("One cancels the other"),
    "open": N_("Not filled"),  # an order's; a dispute's status is never shown as evidence
    "partially_filled": N_("Partly filled"),
    "trigger_pending": N_("Waiting for its trigger price"),
    "filled": N_("Filled"),
    "cancelled": N_("Cancelled"),
    "rejected": N_("Rejected by the exchange"),
    "expired": N_("Expired"),
    # loans, earn, automations (LoanKind, EarnKind, EarnStatus, AutomationKind/Status)
    "margin_borrow": N_("Margin loan"),
    "collateralised": N_("Crypto loan"),
    "flexible": N_("Flexible savings"),
    "locked": N_("Locked savings"),
    "staking": N_("Staking"),
    "active": N_("Active"),
    "redeeming": N_("Being redeemed"),
    "redeemed": N_("Redeemed"),
    "recurring_buy": N_("Recurring buy"),
    "trading_bot": N_("Trading bot"),
    "copy_trading": N_("Copy trading"),
    "paused": N_("Paused"),
    "stopped": N_("Stopped"),
    # P2P and disputes (P2POrderStatus, DisputeKind, DisputeStatus)
    "pending_payment": N_("Waiting for payment"),
    "paid": N_("Paid"),
    "appealing": N_("Under appeal"),
    "completed": N_("Completed"),
    "p2p": N_("P2P trade"),
    "chargeback": N_("Chargeback"),
    "complaint": N_("Complaint"),
    "resolved": N_("Resolved"),
    # transfers (TransferStatus)
    "pending": N_("Pending"),
    "confirming": N_("Confirming on the blockchain"),
    "processing": N_("Processing"),
    "failed": N_("Failed"),
    # API keys, sub-accounts, customers (ApiKeyKind, SubAccountStatus, CustomerStatus)
    "api_key": N_("API key"),
    "third_party": N_("Connected app"),
    "frozen": N_("Frozen"),
    "closed": N_("Closed"),
    # identity verification (KycStatus)
    "not_started": N_("Not started"),
    "verified": N_("Verified"),
    "disputed": N_("In question"),
    # security changes (SecurityChange)
    "password": N_("Password"),
    "email": N_("E-mail address"),
    "phone": N_("Phone number"),
    "2fa": N_("Two-factor authentication"),
    # holds, as staff see them in internal evidence (HoldKind; same words as HOLD_KINDS)
    "judicial_freeze": N_("Court order"),
    "law_enforcement": N_("Law enforcement request"),
    "aml_investigation": N_("Anti-money-laundering investigation"),
    "risk_lock": N_("Risk control lock"),
    # a deposit once it lands: which side of the dust line (dust_line.Side)
    "asset": N_("An asset"),
    "dust": N_("A small balance"),
    # what evidence says instead of a number
    "unpriced": N_("no market price"),
    "unknown": N_("not known yet"),
    "True": N_("Yes"),
    "False": N_("No"),
}

CLOSURE_STATES = {
    "draft": N_("Waiting for verification"),  # submitted; the step-up comes next
    "verifying": N_("Verifying your identity"),
    "in_review": N_("In review"),
    "cooling_off": N_("Cooling-off"),
    "executing": N_("Closing"),
    "closed": N_("Closed"),
    "rejected": N_("Rejected"),
    "cancelled": N_("Cancelled"),
    "blocked": N_("Blocked at the final check"),
    "on_hold": N_("On hold"),
}

HOLD_KINDS = {
    "judicial_freeze": N_("Court order"),
    "law_enforcement": N_("Law enforcement request"),
    "aml_investigation": N_("Anti-money-laundering investigation"),
    "risk_lock": N_("Risk control lock"),
}

REASONS = {
    "no_longer_needed": N_("I no longer need the account"),
    "moving_to_another_platform": N_("I am moving to another platform"),
    "fees": N_("Fees are too high"),
    "security_concern": N_("I have a security concern"),
    "privacy": N_("Privacy"),
    "unhappy_with_service": N_("I am unhappy with the service"),
    "taking_a_break": N_("I am taking a break"),
    "other": N_("Other"),
}

EVENTS = {
    "closure.submitted": N_("Closure requested"),
    "closure.draft": N_("Closure request started"),
    "closure.start_verification": N_("Verification started"),
    "closure.verified": N_("Verification complete"),
    "closure.factor_verified": N_("Second factor verified"),
    "closure.review_required": N_("Sent for review"),
    "closure.review_approval": N_("Review approval given"),
    "closure.approve": N_("Approved"),
    "closure.reject": N_("Rejected"),
    "closure.cancel": N_("Cancelled"),
    "closure.timer": N_("Cooling-off ended"),
    "closure.demo_cooling_off_ended": N_("Cooling-off ended early on the demo page"),
    "closure.complete": N_("Account closed"),
    "closure.recheck_failed": N_("Blocked at the final check"),
    "closure.hold": N_("Put on hold"),
    "closure.lift": N_("Hold lifted"),
    "closure.appeal": N_("Rejection overturned on appeal"),
    "closure.platform_open": N_("Closure opened by the platform"),
    "closure.transition": N_("State changed"),
    "account.frozen": N_("Account frozen by the customer"),
    "account.unfrozen": N_("Account unfrozen by the customer"),
    "account.protective_freeze": N_("Account frozen to protect it"),
    "account.protective_freeze_lifted": N_("Protective freeze lifted"),
    "anti_phishing_code.set": N_("Anti-phishing code set"),
    "dust_sweep.quoted": N_("Small balances: conversion quoted"),
    "dust_sweep.executed": N_("Small balances converted"),
    "dust.forfeited": N_("Small balances given up"),
    "ledger.demo_deposits_arrived": N_("Deposits arrived on the demo page"),
    "ledger.demo_assets_withdrawn": N_("Withdrawn on the demo page"),
    "hold.placed": N_("Hold placed"),
    "hold.lift_requested": N_("Hold lift requested"),
    "hold.lifted": N_("Hold lifted"),
    "erasure.finished": N_("Personal data erased"),
    "retention.purged": N_("Retained records deleted"),
    "recovery.completed": N_("Second factor recovered"),
    "recovery.cancelled": N_("Recovery stopped"),
    "desk.opened": N_("Ticket opened"),
    "desk.open": N_("Ticket taken up"),
    "desk.handoff": N_("Handed to a person"),
    "desk.message": N_("Message"),
    "desk.internal_note": N_("Internal note"),
    "desk.assigned": N_("Assigned"),
    "desk.attached": N_("File attached"),
    "desk.attachment_read": N_("File opened by staff"),
    "desk.ask_customer": N_("Question to the customer"),
    "desk.customer_replied": N_("Customer replied"),
    "desk.resolve": N_("Ticket resolved"),
    "desk.reopen": N_("Ticket reopened"),
    "desk.close": N_("Ticket closed"),
    "desk.risk_lock_appeal.approved": N_("Risk lock appeal granted"),
    "desk.risk_lock_appeal.rejected": N_("Risk lock appeal refused"),
    "desk.closure_appeal.overturned": N_("Closure rejection overturned"),
    "desk.closure_appeal.upheld": N_("Closure rejection upheld"),
    "desk.recovery.approved": N_("Recovery approved"),
    "desk.recovery.rejected": N_("Recovery refused"),
    "desk.recovery.completed": N_("Second factor recovered"),
    "desk.recovery.cancelled": N_("Recovery stopped"),
    "verification.code_sent": N_("Verification code sent"),
    "verification.failed": N_("Wrong verification code"),
    "verification.locked": N_("Verification locked"),
    "verification.succeeded": N_("Verification succeeded"),
    "verification.evidence_uploaded": N_("Identity evidence uploaded"),
    "verification.evidence_reviewed": N_("Identity evidence reviewed"),
    "verification.totp_enrolled": N_("Authenticator app added"),
    "verification.totp_confirmed": N_("Authenticator app confirmed"),
    "verification.totp_confirm_failed": N_("Authenticator app not confirmed"),
    "desk.handoff_context": N_("Conversation handed to a person"),
}

TICKET_STATES = {
    "new": N_("New"),
    "open": N_("Open"),
    "waiting_on_customer": N_("Waiting for the customer"),
    "resolved": N_("Resolved"),
    "closed": N_("Ticket closed"),
}

TOPICS = {
    "closure_blocked": N_("Closure blocked"),
    "closure_rejected": N_("Closure rejected: appeal"),
    "account_locked": N_("Account locked: appeal"),
    "credential_recovery": N_("Credential recovery"),
    "account_takeover": N_("Suspected account takeover"),
    "dispute": N_("Dispute"),
    "identity": N_("Identity verification"),
    "other": N_("Other"),
    "account_closure": N_("Account closure"),
    "certificate": N_("Closure certificate"),
    "personal_data": N_("Personal data"),
}

ROLES = {
    "customer": N_("Customer"),
    "agent": N_("Support agent"),
    "compliance": N_("Compliance officer"),
    "system": N_("the system"),  # an actor: what lastgate does by itself (timelines)
}

SECRET_KINDS = {
    "seed_phrase": N_("seed phrase"),
    "private_key_hex": N_("private key"),
    "private_key_wif": N_("private key"),
    "extended_private_key": N_("extended private key"),
    "password": N_("password"),
}

EVIDENCE_KINDS = {"document": N_("ID document"), "selfie": N_("Selfie")}

#: What the customer reads of an agent's refusal (``closure.model.verification``'s
#: ``EvidenceRefusal``): why, then what to send instead. Each a whole sentence or two.
EVIDENCE_REFUSALS = {
    "unreadable": N_(
        "The picture is blurred, too dark or cut off. Take a new one in good light, with "
        "everything in view."
    ),
    "incomplete": N_(
        "Part of the document is missing. Send the page with your photo, or both sides of a card."
    ),
    "expired": N_("The document has expired. Send one that is valid today."),
    "not_accepted": N_(
        "We do not accept this kind of document. Send your passport, national identity "
        "card or driving licence."
    ),
    "name_mismatch": N_(
        "The name on the document is not the name on your account. Send a document in your "
        "own name; if your name has changed, write to our support team."
    ),
    "face_not_visible": N_(
        "Your face is not fully visible. Take a new selfie facing the camera, without "
        "sunglasses, a hat or a mask."
    ),
    "face_mismatch": N_(
        "We could not match the selfie with the photo on your document. Take a new selfie "
        "of yourself, facing the camera in good light."
    ),
}

#: What keeps the account frozen once the security team lifts its protective freeze (or
#: the customer their own), as the customer may know it
#: (``closure.model.freezes.freeze_left``): their own freeze, the protective
#: freeze, their closure's cooling-off, or something else, never named (a hold is not
#: a freeze and is never read). The secure page and the ``protective_freeze_lifted``
#: notice say the same words.
FREEZES_LEFT = {
    "customer": N_(
        "Your account stays frozen at your own request: you unfreeze it with your "
        "authenticator on your settings page."
    ),
    "protective": N_(
        "Your account stays frozen for your protection: our security team lifts that "
        "freeze. Write to our support team if you have questions."
    ),
    "closure": N_(
        "Your account stays frozen for the cooling-off period of your closure request, "
        "which your self-check shows."
    ),
    "other": N_(
        "Your account stays frozen for another reason. Write to our support team to learn "
        "how it ends."
    ),
}

TABLES: Mapping[Kind, Mapping[str, str]] = {
    Kind.CHECK: CHECKS,
    Kind.STATUS: STATUSES,
    Kind.FIELD: FIELDS,
    Kind.VALUE: VALUES,
    Kind.CLOSURE_STATE: CLOSURE_STATES,
    Kind.HOLD_KIND: HOLD_KINDS,
    Kind.REASON: REASONS,
    Kind.EVENT: EVENTS,
    Kind.TICKET_STATE: TICKET_STATES,
    Kind.TOPIC: TOPICS,
    Kind.ROLE: ROLES,
    Kind.SECRET_KIND: SECRET_KINDS,
    Kind.EVIDENCE_KIND: EVIDENCE_KINDS,
    Kind.EVIDENCE_REFUSAL: EVIDENCE_REFUSALS,
    Kind.FREEZE_LEFT: FREEZES_LEFT,
}
