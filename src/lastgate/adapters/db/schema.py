"""Every table module, imported so that ``metadata`` knows the whole schema."""

from lastgate.adapters.db import erasure_tables, remediation_tables, tables, workflow_tables
from lastgate.adapters.db.tables import metadata

__all__ = ["erasure_tables", "metadata", "remediation_tables", "tables", "workflow_tables"]
