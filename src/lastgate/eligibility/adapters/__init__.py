"""lastgate.eligibility.adapters."""
