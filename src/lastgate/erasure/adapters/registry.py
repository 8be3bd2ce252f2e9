"""The data map: every table lastgate knows, with the category of customer data it holds.

``tests/integration/test_data_map.py`` fails when a table is neither mapped here nor
declared free of customer data, so a new table cannot slip past erasure.
"""

from __future__ import annotations

from dataclasses import dataclass

from lastgate.erasure.model import data_map as dm


@dataclass(frozen=True)
class Mapping:
    table: str
    category: dm.Category
    how: str  # what the executor does to the rows, in words for the plan


DATA_MAP: dict[str, Mapping] = {
    m.table: m
    for m in (
        Mapping(
            "customers",
            dm.IDENTITY,
            "personal fields sealed in the vault, then cleared; the row keeps the UID",
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
        ),
        Mapping("approvals", dm.COMPLIANCE_RECORDS, "kept: staff decisions on the closure"),
        Mapping(
            "campaign_members",
            dm.COMPLIANCE_RECORDS,
            "kept with the UID only: why the platform closed the account (offboarding)",
        ),
        Mapping("erasure_runs", dm.COMPLIANCE_RECORDS, "kept: the erasure's own record"),
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
        Mapping("evidence_files", dm.PREFERENCES_AND_FACTORS, "deleted, files too"),
        Mapping("account_freezes", dm.PREFERENCES_AND_FACTORS, "deleted"),
        Mapping(
            "outbox",
            dm.PREFERENCES_AND_FACTORS,
            "deleted once delivered or given up: erasure waits for every notice and webhook "
            "event still on its way; notices scheduled for later are voided",
        ),
        Mapping("audit_log", dm.AUDIT_TRAIL, "kept: entries name the UID, never the person"),
        Mapping("customer_keys", dm.IDENTITY, "the vault's key: destroyed when retention ends"),
        Mapping("retained_records", dm.IDENTITY, "the vault: purged when retention ends"),
    )
}

#: Tables that hold no customer data at all.
NOT_CUSTOMER_DATA = frozenset(
    {
        "asset_prices",
        "audit_head",
        "identifier_quarantine",
        "alembic_version",
        "campaigns",  # scope, deadline, staff ids; members are in campaign_members
        "campaign_funnel",  # counts only
    }
)
