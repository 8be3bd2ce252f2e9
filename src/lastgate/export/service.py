"""Use case: the customer downloads all their data (GDPR art. 20, data portability).

A customer may export only their own account, staff any; every export is audited with
what was exported (sizes, counts, the archive's hash), never with personal data. Once the
account is closed its customer is refused (``AccountClosed``, the ledger's rule for every
action on a closed account): what was theirs to take is erased, and an archive of what is
left would read as if that were all the exchange keeps, when the closure certificate says
what the law makes it keep; a copy of that is asked of support. Staff may still export.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final, Protocol

from lastgate.kernel.access import Principal, ensure_may_read_account
from lastgate.ledger.model import CustomerStatus, refuse_if_closed

#: The audit action of an export.
EXPORTED: Final = "data.exported"


@dataclass(frozen=True)
class ExportArchive:
    """The export as the customer downloads it: a file name and the ZIP's bytes."""

    filename: str
    content: bytes
    sha256: str
    counts: Mapping[str, int] = field(default_factory=dict)
    status: CustomerStatus = CustomerStatus.ACTIVE


class DataExportSource(Protocol):
    """Where an export comes from and where it is recorded (the ledger, the audit log)."""

    def build(self, uid: str, *, now: datetime) -> ExportArchive:
        """The archive of ``uid``'s data as of ``now``; ``AccountNotFound`` if none."""
        ...

    def record(self, *, now: datetime, actor: str, uid: str, payload: Mapping[str, object]) -> None:
        """Append the audit entry of an export."""
        ...


def export_customer_data(
    source: DataExportSource, principal: Principal, uid: str, *, now: datetime
) -> tuple[str, bytes]:
    """The ZIP of ``uid``'s data for ``principal``, as ``(filename, bytes)``; audited.

    Refused (``Forbidden``) before anything is read when a customer asks for another
    account, so the answer does not reveal whether that account exists; ``AccountClosed``
    when a customer asks once their account is closed.
    """
    ensure_may_read_account(principal, uid)
    archive = source.build(uid, now=now)
    if not principal.is_staff:
        refuse_if_closed(archive.status)
    source.record(
        now=now,
        actor=principal.subject,
        uid=uid,
        payload={
            "role": principal.role.value,
            "format": "zip",
            "bytes": len(archive.content),
            "sha256": archive.sha256,
            **{f"{name}_count": count for name, count in sorted(archive.counts.items())},
        },
    )
    return archive.filename, archive.content
