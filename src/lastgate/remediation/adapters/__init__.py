"""lastgate.remediation.adapters."""
