"""Every table lastgate stores, imported so that ``metadata`` knows the whole schema.

It lives with erasure because erasure must account for each table: the data map names
every one (a test holds them equal) and the verification scan reads them all. Alembic's
``env.py`` takes its ``metadata`` from here too.
"""

from lastgate.campaign.adapters import tables as campaign_tables
from lastgate.closure.adapters import tables as workflow_tables
from lastgate.desk.adapters import tables as desk_tables
from lastgate.erasure.adapters import tables as erasure_tables
from lastgate.ledger.adapters import tables
from lastgate.platform.db import audit_tables, token_tables
from lastgate.platform.db.metadata import metadata
from lastgate.remediation.adapters import tables as remediation_tables

__all__ = [
    "audit_tables",
    "campaign_tables",
    "desk_tables",
    "erasure_tables",
    "metadata",
    "remediation_tables",
    "tables",
    "token_tables",
    "workflow_tables",
]
