"""lastgate.platform."""
