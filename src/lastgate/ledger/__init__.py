"""lastgate.ledger."""
