"""The answer for a closed account: it is closed, and its certificate is issued or on
its way. There is nothing left to check or fix, so it carries no checks at all; the
checks of an account still open are the report's (``report``), unchanged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from lastgate.kernel.messages import N_, Message


class CertificateState(StrEnum):
    """Where the closure certificate is: issued, or on its way while erasure runs."""

    ISSUED = "issued"
    PENDING = "pending"


_ISSUED = Message(N_("Your account is closed. Your closure certificate is ready."))
_PENDING = Message(
    N_(
        "Your account is closed. Your closure certificate is on its way: "
        "we are erasing your data now."
    )
)
_CLOSED = Message(N_("Your account is closed."))


@dataclass(frozen=True, slots=True)
class ClosedAccount:
    """A closed account, as its customer is answered instead of a report.

    ``certificate`` is None when the service was built without a way to tell (the
    certificates are erasure's, wired in by the application).
    """

    uid: str
    jurisdiction: str
    checked_at: datetime
    certificate: CertificateState | None

    @property
    def eligible(self) -> bool:
        """Never: a closed account cannot be closed again."""
        return False

    @property
    def message(self) -> Message:
        if self.certificate is CertificateState.ISSUED:
            return _ISSUED
        if self.certificate is CertificateState.PENDING:
            return _PENDING
        return _CLOSED
