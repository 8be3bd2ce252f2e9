"""lastgate.eligibility.model."""
