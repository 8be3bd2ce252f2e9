"""lastgate.eligibility."""
