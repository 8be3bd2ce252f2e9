"""Every table module, imported so that ``metadata`` knows the whole schema."""

from lastgate.adapters.db import (
    campaign_tables,
    desk_tables,
    erasure_tables,
    remediation_tables,
    tables,
    workflow_tables,
)
from lastgate.adapters.db.tables import metadata

__all__ = [
    "campaign_tables",
    "desk_tables",
    "erasure_tables",
    "metadata",
    "remediation_tables",
    "tables",
    "workflow_tables",
]
