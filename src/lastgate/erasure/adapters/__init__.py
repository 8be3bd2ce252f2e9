"""Erasure with legal retention: the data map, the vault, the executor and the scan."""
