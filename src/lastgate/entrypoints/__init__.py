"""Entry points: the HTTP API and the wire format it shares with the CLI."""
