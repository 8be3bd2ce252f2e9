"""lastgate.campaign."""
