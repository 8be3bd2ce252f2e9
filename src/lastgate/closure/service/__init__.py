"""lastgate.closure.service."""
