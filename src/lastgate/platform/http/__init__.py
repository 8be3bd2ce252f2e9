"""lastgate.platform.http."""
