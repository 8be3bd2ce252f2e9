"""Adapters: the database, the reference ledger, files; the outside world behind ports."""
