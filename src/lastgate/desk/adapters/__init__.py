"""lastgate.desk.adapters."""
