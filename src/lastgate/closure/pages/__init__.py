"""lastgate.closure.pages."""
