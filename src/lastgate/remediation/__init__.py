"""lastgate.remediation."""
