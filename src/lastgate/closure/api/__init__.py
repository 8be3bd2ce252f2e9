"""lastgate.closure.api."""
