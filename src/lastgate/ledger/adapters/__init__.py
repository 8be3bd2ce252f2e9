"""The reference exchange ledger: lastgate's own implementation of the account ports."""
