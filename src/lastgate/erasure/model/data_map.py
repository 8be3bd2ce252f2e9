"""What happens to each category of a closed customer's data, and on what legal basis.

The data map (``lastgate.erasure.adapters.registry``) assigns every table that holds
customer data to one of these categories; a test fails when a table is left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from lastgate.kernel.messages import N_
from lastgate.kernel.policy import LegalBases


class ErasureAction(StrEnum):
    DELETE = "delete"
    ANONYMISE = "anonymise"
    RETAIN = "retain"


class LegalBasis(StrEnum):
    """Which of the policy's legal bases (``retention.legal_basis``) a category is kept,
    anonymised or deleted under: the policy of the customer's jurisdiction words it."""

    AML_RECORDS = "aml_records"
    ERASURE = "erasure"
    LEDGER_INTEGRITY = "ledger_integrity"
    ACCOUNTABILITY = "accountability"


@dataclass(frozen=True, slots=True)
class Category:
    name: str
    description: str
    action: ErasureAction
    basis: LegalBasis
    retained: bool = False  # kept until the policy's AML retention clock ends
    #: What a person reads for ``name`` (the certificate, the console): a msgid.
    label: str = ""

    def legal_basis(self, bases: LegalBases) -> str:
        """What the certificate cites for this category under ``bases``, the policy's."""
        text: str = getattr(bases, self.basis.value)
        return text

    def retained_until(self, closed_at: datetime, years: int) -> date | None:
        if not self.retained:
            return None
        closed = closed_at.date()
        try:
            return closed.replace(year=closed.year + years)
        except ValueError:  # 29 February
            return closed.replace(year=closed.year + years, day=28)


IDENTITY = Category(
    "identity",
    N_("Name, e-mail, phone, country, ID number and KYC result"),
    ErasureAction.RETAIN,
    LegalBasis.AML_RECORDS,
    retained=True,
    label=N_("Identity"),
)
TRANSACTION_RECORDS = Category(
    "transaction_records",
    N_("Orders, trades, P2P orders, deposits and withdrawals with addresses"),
    ErasureAction.RETAIN,
    LegalBasis.AML_RECORDS,
    retained=True,
    label=N_("Transaction records"),
)
COMPLIANCE_RECORDS = Category(
    "compliance_records",
    N_("Holds, investigations and the closure decision"),
    ErasureAction.RETAIN,
    LegalBasis.AML_RECORDS,
    retained=True,
    label=N_("Compliance records"),
)
TRADE_HISTORY = Category(
    "trade_history",
    N_("The exchange's ledger rows of your trades and transfers"),
    ErasureAction.ANONYMISE,
    LegalBasis.LEDGER_INTEGRITY,
    label=N_("Trade history"),
)
ACCOUNT_DATA = Category(
    "account_data",
    N_(
        "Balances, positions, loans, savings, plans, API keys, sub-accounts, "
        "disputes, security history"
    ),
    ErasureAction.DELETE,
    LegalBasis.ERASURE,
    label=N_("Account data"),
)
PREFERENCES_AND_FACTORS = Category(
    "preferences_and_factors",
    N_(
        "Anti-phishing code, language, second factors, verification "
        "codes and evidence, freezes, notices"
    ),
    ErasureAction.DELETE,
    LegalBasis.ERASURE,
    label=N_("Preferences and second factors"),
)
AUDIT_TRAIL = Category(
    "audit_trail",
    N_("Audit log entries about your account and the steps you took (UID only)"),
    ErasureAction.RETAIN,
    LegalBasis.ACCOUNTABILITY,
    retained=True,
    label=N_("Audit trail"),
)

CATEGORIES = (
    IDENTITY,
    TRANSACTION_RECORDS,
    COMPLIANCE_RECORDS,
    TRADE_HISTORY,
    ACCOUNT_DATA,
    PREFERENCES_AND_FACTORS,
    AUDIT_TRAIL,
)

_LABELS = {c.name: c.label for c in CATEGORIES}


def category_label(name: str) -> str:
    """The msgid a person reads for category ``name``; the name itself when unknown."""
    return _LABELS.get(name) or name
