"""What the eligibility service may be given from features above it, as ports: the
application wires the implementations in (``lastgate.app.api``)."""

from __future__ import annotations

from typing import Protocol


class Certificates(Protocol):
    """Whether a closed account's closure certificate is issued yet (erasure knows)."""

    def issued(self, uid: str) -> bool: ...
