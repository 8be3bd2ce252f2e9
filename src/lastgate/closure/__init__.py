"""lastgate.closure."""
