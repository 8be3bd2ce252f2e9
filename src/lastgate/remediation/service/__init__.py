"""Use cases of the one-step fixes: dust sweep (quote, then execute), the forfeit of what
small balances remain (with consent), revoke every API key, cancel every open order, stop
every automation.

Each is one unit of work, audited, done through the remediation side of the account-actions
port (``RemediationActions``). The customer acts on their own account; staff may act on any,
and the audit names them. The fixes are idempotent: a second call changes nothing and says
so (0 affected); a sweep quote is honoured once; a forfeit takes what the customer read.
"""

from lastgate.closure.ports import RemediationActions
from lastgate.remediation.service.fixes import (
    FixDone,
    cancel_all_orders,
    revoke_all_api_keys,
    stop_all_automations,
)
from lastgate.remediation.service.forfeit import (
    ForfeitDone,
    ForfeitOverLimit,
    NothingToForfeit,
    dust_forfeit_offer,
    dust_plan,
    forfeit_dust,
)
from lastgate.remediation.service.sweep import (
    ACCOUNT_HOLDER,
    AccountClosed,
    AccountFrozen,
    BalancesChanged,
    ForfeitConsentRequired,
    NothingToSweep,
    PriceMoved,
    QuoteAlreadyUsed,
    QuoteExpired,
    QuoteNotFound,
    SweepDone,
    SweepResultIsDust,
    SweepTooFrequent,
    TargetUnpriced,
    execute_dust_sweep,
    executed_sweep,
    quote_dust_sweep,
    quote_to_confirm,
)

__all__ = [
    "ACCOUNT_HOLDER",
    "AccountClosed",
    "AccountFrozen",
    "BalancesChanged",
    "FixDone",
    "ForfeitConsentRequired",
    "ForfeitDone",
    "ForfeitOverLimit",
    "NothingToForfeit",
    "NothingToSweep",
    "PriceMoved",
    "QuoteAlreadyUsed",
    "QuoteExpired",
    "QuoteNotFound",
    "RemediationActions",
    "SweepDone",
    "SweepResultIsDust",
    "SweepTooFrequent",
    "TargetUnpriced",
    "cancel_all_orders",
    "dust_forfeit_offer",
    "dust_plan",
    "execute_dust_sweep",
    "executed_sweep",
    "forfeit_dust",
    "quote_dust_sweep",
    "quote_to_confirm",
    "revoke_all_api_keys",
    "stop_all_automations",
]
