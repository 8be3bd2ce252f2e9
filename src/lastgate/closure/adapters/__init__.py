"""lastgate.closure.adapters."""
