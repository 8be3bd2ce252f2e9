"""Identity evidence files of a closure request on lastgate's database: upload, the
list, reading one back, and an agent's review.

Storage: ``evidence_files`` holds the metadata of files kept by ``evidence_store``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Row, event, insert, select, update

from lastgate.closure.adapters.step_up_base import StepUpBase, closure_subject
from lastgate.closure.adapters.tables import evidence_files
from lastgate.closure.model import verification as rules
from lastgate.closure.model.lifecycle import ClosureRequest
from lastgate.kernel.errors import Conflict, NotFound

_ev = evidence_files.c


class EvidenceFiles(StepUpBase):
    """Evidence files stored for agents to review."""

    def add_evidence(self, request: ClosureRequest, kind: str, content: bytes) -> str:
        """Store an evidence file for ``request``; its id. The file is removed again if
        the transaction rolls back."""
        stored = self.evidence.put(kind, content)
        event.listen(self._conn, "rollback", lambda _conn: self.evidence.delete(stored.storage_key))
        evidence_id = str(uuid.uuid4())
        self._conn.execute(
            insert(evidence_files).values(
                id=evidence_id,
                request_id=request.id,
                kind=kind,
                content_type=stored.content_type,
                size=stored.size,
                sha256=stored.sha256,
                storage_key=stored.storage_key,
                uploaded_at=self._clock(),
            )
        )
        self._record(
            request.uid,
            "verification.evidence_uploaded",
            closure_subject(request.id),
            {
                "evidence_id": evidence_id,
                "kind": kind,
                "content_type": stored.content_type,
                "size": stored.size,
                "sha256": stored.sha256,
            },
        )
        return evidence_id

    def list_evidence(self, request_id: str) -> list[rules.EvidenceFile]:
        rows = self._conn.execute(
            select(evidence_files)
            .where(_ev.request_id == request_id)
            .order_by(_ev.uploaded_at, _ev.id)
        )
        return [_evidence(r) for r in rows]

    def read_evidence(self, request_id: str, evidence_id: str) -> tuple[str, Iterator[bytes]]:
        """(content type, content in chunks) of one file of ``request_id``."""
        row = self._evidence_row(request_id, evidence_id)
        return row.content_type, self.evidence.read(row.storage_key)

    def evidence_complete(self, request_id: str) -> bool:
        return rules.evidence_complete(self.list_evidence(request_id))

    def review_evidence(
        self,
        request_id: str,
        evidence_id: str,
        *,
        agent: str,
        approve: bool,
        refusal: str | None = None,
    ) -> None:
        row = self._evidence_row(request_id, evidence_id)
        decision = rules.APPROVED if approve else rules.REJECTED
        decided = self._conn.execute(
            update(evidence_files)
            .where(_ev.id == evidence_id, _ev.review_decision.is_(None))
            .values(
                reviewed_by=agent,
                review_decision=decision,
                reviewed_at=self._clock(),
                refusal=None if approve else refusal,
            )
        ).rowcount
        if decided != 1:
            raise Conflict("this evidence was already reviewed; the customer may upload again")
        self._record(
            agent,
            "verification.evidence_reviewed",
            closure_subject(request_id),
            {
                "evidence_id": evidence_id,
                "kind": row.kind,
                "decision": decision,
                **({"refusal": refusal} if refusal and not approve else {}),
            },
        )

    def _evidence_row(self, request_id: str, evidence_id: str) -> Row[Any]:
        row = self._conn.execute(
            select(evidence_files).where(_ev.id == evidence_id, _ev.request_id == request_id)
        ).first()
        if row is None:
            raise NotFound(f"no evidence {evidence_id} for closure request {request_id}")
        return row


def _evidence(row: Row[Any]) -> rules.EvidenceFile:
    return rules.EvidenceFile(
        id=row.id,
        kind=row.kind,
        content_type=row.content_type,
        size=row.size,
        sha256=row.sha256,
        uploaded_at=row.uploaded_at,
        decision=row.review_decision,
        reviewed_by=row.reviewed_by,
        refusal=row.refusal,
    )
