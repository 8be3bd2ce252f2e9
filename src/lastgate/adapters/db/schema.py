"""Every table module, imported so that ``metadata`` knows the whole schema."""

from lastgate.adapters.db import tables, workflow_tables
from lastgate.adapters.db.tables import metadata

__all__ = ["metadata", "tables", "workflow_tables"]
