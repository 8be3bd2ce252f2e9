"""The data map: every table lastgate knows, with the category of customer data it holds,
and the columns where the customer's UID may remain after erasure.

``tests/integration/test_erasure.py`` fails when a table is neither mapped here nor
declared free of customer data, so a new table cannot slip past erasure. The verification
scan (``lastgate.erasure.adapters.scan``) allows the UID exactly where a mapping here
says it may remain, and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass

from lastgate.erasure.model import data_map as dm


@dataclass(frozen=True)
class Mapping:
    """One table's category, what erasure does to its rows, and ``uid_columns``: the
    columns where the UID (a pseudonym, never the person's data) stays after erasure.
    Only a retained category may keep it: anything erased must not name the customer."""

    table: str
    category: dm.Category
    how: str  # what the executor does to the rows, in words for the plan
    uid_columns: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.uid_columns and not self.category.retained:
            raise ValueError(
                f"{self.table}: {self.category.name} is not retained, so no column of it "
                "may keep the UID"
            )


DATA_MAP: dict[str, Mapping] = {
    m.table: m
    for m in (
        Mapping(
            "customers",
            dm.IDENTITY,
            "personal fields sealed in the vault, then cleared; the row keeps the UID",
            uid_columns=frozenset({"uid"}),
        ),
        Mapping(
            "orders",
            dm.TRADE_HISTORY,
            "sealed in the vault, then moved to the shared anonymised account",
        ),
        Mapping(
            "transfers",
            dm.TRADE_HISTORY,
            "sealed in the vault, then moved to the anonymised account, address cleared",
        ),
        Mapping(
            "p2p_orders",
            dm.TRADE_HISTORY,
            "sealed in the vault, then moved to the shared anonymised account",
        ),
        Mapping(
            "ledger_entries",
            dm.TRADE_HISTORY,
            "sealed in the vault, then moved to the shared anonymised account",
        ),
        Mapping("dust_quotes", dm.ACCOUNT_DATA, "deleted"),
        Mapping("holds", dm.COMPLIANCE_RECORDS, "sealed in the vault, then deleted"),
        Mapping(
            "closure_requests",
            dm.COMPLIANCE_RECORDS,
            "kept with the UID only; free-text reason sealed and cleared",
            uid_columns=frozenset({"uid"}),
        ),
        Mapping("approvals", dm.COMPLIANCE_RECORDS, "kept: staff decisions on the closure"),
        Mapping(
            "campaign_members",
            dm.COMPLIANCE_RECORDS,
            "kept with the UID only: why the platform closed the account (offboarding)",
            uid_columns=frozenset({"uid"}),
        ),
        Mapping(
            "erasure_runs",
            dm.COMPLIANCE_RECORDS,
            "kept: the erasure's own record and the certificate, both naming the UID",
            uid_columns=frozenset({"uid", "certificate"}),
        ),
        Mapping("erasure_steps", dm.COMPLIANCE_RECORDS, "kept: the erasure's own record"),
        Mapping("security_events", dm.ACCOUNT_DATA, "deleted"),
        Mapping("balances", dm.ACCOUNT_DATA, "deleted"),
        Mapping("positions", dm.ACCOUNT_DATA, "deleted"),
        Mapping("loans", dm.ACCOUNT_DATA, "deleted"),
        Mapping("earn_subscriptions", dm.ACCOUNT_DATA, "deleted"),
        Mapping("automations", dm.ACCOUNT_DATA, "deleted"),
        Mapping("disputes", dm.ACCOUNT_DATA, "deleted"),
        Mapping("api_keys", dm.ACCOUNT_DATA, "deleted"),
        Mapping("sub_accounts", dm.ACCOUNT_DATA, "deleted"),
        Mapping("tickets", dm.ACCOUNT_DATA, "deleted (decisions stay in the audit log)"),
        Mapping("ticket_messages", dm.ACCOUNT_DATA, "deleted"),
        Mapping("ticket_attachments", dm.ACCOUNT_DATA, "deleted, files too"),
        Mapping(
            "credential_recoveries", dm.ACCOUNT_DATA, "deleted (the audit log keeps who decided)"
        ),
        Mapping("customer_settings", dm.PREFERENCES_AND_FACTORS, "deleted"),
        Mapping("second_factors", dm.PREFERENCES_AND_FACTORS, "deleted"),
        Mapping("verification_challenges", dm.PREFERENCES_AND_FACTORS, "deleted"),
        Mapping("verification_attempts", dm.PREFERENCES_AND_FACTORS, "deleted"),
        Mapping("evidence_files", dm.PREFERENCES_AND_FACTORS, "deleted, files too"),
        Mapping("account_freezes", dm.PREFERENCES_AND_FACTORS, "deleted"),
        Mapping(
            "outbox",
            dm.PREFERENCES_AND_FACTORS,
            "deleted once delivered or given up: erasure waits for every notice and webhook "
            "event still on its way; notices scheduled for later are voided",
        ),
        Mapping(
            "audit_log",
            dm.AUDIT_TRAIL,
            "kept, append-only: entries name the UID (as the actor of the customer's own "
            "steps, in the subject and the payload), never the person",
            uid_columns=frozenset({"actor", "subject", "payload"}),
        ),
        Mapping("customer_keys", dm.IDENTITY, "the vault's key: destroyed when retention ends"),
        Mapping("retained_records", dm.IDENTITY, "the vault: purged when retention ends"),
    )
}

#: Where the UID may remain after erasure, as (table, column), read from the mappings.
UID_KEPT = frozenset(
    (mapping.table, column) for mapping in DATA_MAP.values() for column in mapping.uid_columns
)

#: Tables that hold no customer data at all.
NOT_CUSTOMER_DATA = frozenset(
    {
        "asset_prices",
        "audit_head",
        "identifier_quarantine",
        "alembic_version",
        "campaigns",  # scope, deadline, staff ids; members are in campaign_members
        "campaign_funnel",  # counts only
        "revoked_tokens",  # token ids (random, or a digest) and expiry; never whom they named
    }
)
