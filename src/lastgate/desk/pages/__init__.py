"""lastgate.desk.pages."""
