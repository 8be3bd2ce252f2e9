"""lastgate.erasure."""
