"""Every table module, imported so that ``metadata`` knows the whole schema."""

from lastgate.campaign.adapters import tables as campaign_tables
from lastgate.closure.adapters import tables as workflow_tables
from lastgate.desk.adapters import tables as desk_tables
from lastgate.erasure.adapters import tables as erasure_tables
from lastgate.ledger.adapters import tables
from lastgate.ledger.adapters.tables import metadata
from lastgate.remediation.adapters import tables as remediation_tables

__all__ = [
    "campaign_tables",
    "desk_tables",
    "erasure_tables",
    "metadata",
    "remediation_tables",
    "tables",
    "workflow_tables",
]
