"""lastgate.erasure.cli."""
