"""The appeals desk: tickets, secret redaction, the assistant, official channels."""
