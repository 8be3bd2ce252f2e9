"""Ticket attachments on disk: the evidence store's files, plus short video.

Reuses ``EvidenceStore`` (random names, owner-only files, atomic writes, a folder never
served) under ``<evidence_dir>/desk``. What a file is, and what of it is kept, is
decided where the evidence's is (``platform.uploads``): typed by its bytes, photos and
PDFs read by a real parser and cleaned, MP4 and QuickTime recognised by their ``ftyp``
box.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from lastgate.closure.adapters.evidence_store import EvidenceStore
from lastgate.desk.model.tickets import AttachmentRefused
from lastgate.desk.ports import StoredAttachment
from lastgate.kernel.settings import Settings
from lastgate.platform.uploads import PDF, AcceptedFile, FileRefused, accept, sniff

#: A PDF of lastgate's own (a closure certificate it signed) drawn again, or None.
OwnDocument = Callable[[bytes], bytes | None]


class DeskFiles:
    """The ``AttachmentFiles`` port on the evidence store. ``own_document``: lastgate's
    own PDF (a customer's copy of their closure certificate, which carries its signed
    JSON as an attached file, which an upload may not) drawn again by lastgate, which
    is kept instead of the copy; any other file is read and cleaned as every upload is."""

    def __init__(self, store: EvidenceStore, own_document: OwnDocument | None = None) -> None:
        self._store, self._own_document = store, own_document

    @classmethod
    def from_settings(
        cls, settings: Settings, own_document: OwnDocument | None = None
    ) -> DeskFiles:
        store = EvidenceStore(
            settings.evidence_dir / "desk", settings.evidence_max_bytes, settings.upload_max_pixels
        )
        return cls(store, own_document)

    def _accepted(self, content: bytes, content_type: str) -> AcceptedFile:
        own = self._own_document
        if content_type == PDF and own is not None and (ours := own(content)) is not None:
            return AcceptedFile(ours, PDF)
        return accept(content, content_type, max_pixels=self._store.max_pixels)

    def sniff(self, content: bytes) -> str | None:
        return sniff(content)

    def put(self, content: bytes, content_type: str) -> StoredAttachment:
        """Store what the parser keeps of ``content``; ``AttachmentRefused`` naming the
        reason when it does not parse or is not safe to keep."""
        try:
            accepted = self._accepted(content, content_type)
        except FileRefused as refused:
            raise AttachmentRefused(
                refused.message, details=[{"path": "file", "reason": refused.reason}]
            ) from None
        stored = self._store.write(accepted.content, accepted.content_type)
        return StoredAttachment(stored.storage_key, stored.content_type, stored.size, stored.sha256)

    def read(self, storage_key: str) -> Iterator[bytes]:
        return self._store.read(storage_key)

    def delete(self, storage_key: str) -> None:
        self._store.delete(storage_key)


#: The file extension an attachment of each allowed content type is served with.
FILE_EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/heic": "heic",
    "application/pdf": "pdf",
    "video/mp4": "mp4",
    "video/quicktime": "mov",
    "application/json": "json",
}
