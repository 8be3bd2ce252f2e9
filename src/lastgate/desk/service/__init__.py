"""lastgate.desk.service."""
