"""lastgate.erasure.model."""
