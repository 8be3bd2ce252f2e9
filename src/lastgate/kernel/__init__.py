"""lastgate.kernel."""
