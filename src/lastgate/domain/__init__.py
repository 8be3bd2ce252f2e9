"""The pure domain: no frameworks, no I/O. Only the standard library and Pydantic for data."""
