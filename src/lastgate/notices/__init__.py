"""lastgate.notices."""
