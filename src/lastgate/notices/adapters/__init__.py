"""lastgate.notices.adapters."""
