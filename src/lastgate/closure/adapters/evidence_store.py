"""Identity evidence files on disk, under ``settings.evidence_dir``.

A file is named by a random id, never by anything the customer sent; its type is read
from its bytes and it is checked and cleaned by a real parser (``platform.uploads``)
before it is kept. Files are written whole (temporary file, then an atomic rename) and
readable by the owner only.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lastgate.closure.model.verification import EvidenceRefused, check_evidence
from lastgate.kernel.settings import Settings
from lastgate.platform.uploads import FileRefused, accept, sniff

_KEY = re.compile(r"^[0-9a-f]{32}$")
_CHUNK = 64 * 1024


@dataclass(frozen=True, slots=True)
class StoredFile:
    """Where and what a stored evidence file is."""

    storage_key: str
    content_type: str
    size: int
    sha256: str


class EvidenceStore:
    """Evidence files in one folder, each under a random 128-bit name."""

    def __init__(self, root: Path, max_bytes: int, max_pixels: int) -> None:
        self.root, self.max_bytes, self.max_pixels = root, max_bytes, max_pixels

    @classmethod
    def from_settings(cls, settings: Settings) -> EvidenceStore:
        return cls(settings.evidence_dir, settings.evidence_max_bytes, settings.upload_max_pixels)

    def put(self, kind: str, content: bytes) -> StoredFile:
        """Check ``content`` for ``kind`` (``EvidenceRefused`` if not acceptable) and
        store what the parser kept of it; the caller records the returned key with the
        file's metadata."""
        content_type = check_evidence(kind, sniff(content), len(content), self.max_bytes)
        try:
            accepted = accept(content, content_type, max_pixels=self.max_pixels)
        except FileRefused as refused:
            raise EvidenceRefused(
                refused.message, details=[{"path": "file", "reason": refused.reason}]
            ) from None
        return self.write(accepted.content, accepted.content_type)

    def write(self, content: bytes, content_type: str) -> StoredFile:
        """Store ``content`` already checked by the caller, under a fresh random key."""
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        key = secrets.token_hex(16)
        target = self._path(key)
        temporary = target.with_name(f".{key}.part")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(content)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, target)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        return StoredFile(key, content_type, len(content), hashlib.sha256(content).hexdigest())

    def read(self, storage_key: str) -> Iterator[bytes]:
        """The file's content in chunks, for streaming to an agent's browser."""
        with self._path(storage_key).open("rb") as stream:
            while chunk := stream.read(_CHUNK):
                yield chunk

    def delete(self, storage_key: str) -> None:
        self._path(storage_key).unlink(missing_ok=True)

    def _path(self, storage_key: str) -> Path:
        # Keys are made here; one that is not ours never becomes a path.
        if not _KEY.fullmatch(storage_key):
            raise ValueError("not an evidence storage key")
        return self.root / storage_key
