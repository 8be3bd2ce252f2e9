"""Ticket attachments on disk: the evidence store's files, plus short video.

Reuses ``EvidenceStore`` (random names, owner-only files, atomic writes, a folder never
served) under ``<evidence_dir>/desk``; adds MP4 and QuickTime, recognised by their
``ftyp`` box, to the types read from the bytes.
"""

from __future__ import annotations

from collections.abc import Iterator

from lastgate.closure.adapters.evidence_store import EvidenceStore, sniff_content_type
from lastgate.desk.ports import StoredAttachment
from lastgate.kernel.settings import Settings

MP4, QUICKTIME = "video/mp4", "video/quicktime"
#: Major brands of ISO base media files that phones and cameras record (ISO/IEC 14496-12
#: and -14, 3GPP TS 26.244); ``qt  `` is Apple QuickTime.
_MP4_BRANDS = frozenset(
    {
        b"isom",
        b"iso2",
        b"iso4",
        b"iso5",
        b"iso6",
        b"mp41",
        b"mp42",
        b"avc1",
        b"M4V ",
        b"3gp4",
        b"3gp5",
        b"3gp6",
        b"3g2a",
        b"dash",
    }
)
_QT_BRAND = b"qt  "


def sniff_attachment_type(content: bytes) -> str | None:
    """Evidence types (JPEG, PNG, HEIC, PDF), or MP4 / QuickTime video; None otherwise.

    A video's first box must be an ``ftyp`` box of a sane size, so that four magic
    letters pasted on other data are refused.
    """
    found = sniff_content_type(content)
    if found is not None:
        return found
    if len(content) < 16 or content[4:8] != b"ftyp":
        return None
    box_size = int.from_bytes(content[0:4], "big")
    if box_size < 16 or box_size > min(len(content), 4096) or box_size % 4:
        return None
    if content[8:12] == _QT_BRAND:
        return QUICKTIME
    return MP4 if content[8:12] in _MP4_BRANDS else None


class DeskFiles:
    """The ``AttachmentFiles`` port on the evidence store."""

    def __init__(self, store: EvidenceStore) -> None:
        self._store = store

    @classmethod
    def from_settings(cls, settings: Settings) -> DeskFiles:
        return cls(EvidenceStore(settings.evidence_dir / "desk", settings.evidence_max_bytes))

    def sniff(self, content: bytes) -> str | None:
        return sniff_attachment_type(content)

    def put(self, content: bytes, content_type: str) -> StoredAttachment:
        stored = self._store.write(content, content_type)
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
