"""lastgate.closure.model."""
