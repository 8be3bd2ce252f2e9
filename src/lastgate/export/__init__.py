"""lastgate.export."""
