"""lastgate.desk."""
