"""Identity evidence files on disk, under ``settings.evidence_dir``.

A file is named by a random id, never by anything the customer sent, and its type is
read from its first bytes, never from its name or a declared content type. Files are
written whole (temporary file, then an atomic rename) and readable by the owner only.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lastgate.closure.model.verification import HEIC, JPEG, PDF, PNG, check_evidence
from lastgate.kernel.settings import Settings

_KEY = re.compile(r"^[0-9a-f]{32}$")
_CHUNK = 64 * 1024
#: HEIF brands of HEIC photos (as phones take them); ``mif1`` alone is any HEIF image.
_HEIC_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1"})


def sniff_content_type(content: bytes) -> str | None:
    """The type ``content`` really is, from its magic bytes; None if not one we take.

    Beyond the opening signature, PNG must start with its header chunk and PDF must
    end with an end-of-file marker, so a signature pasted on other data is refused.
    """
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(b"\x89PNG\r\n\x1a\n") and content[12:16] == b"IHDR":
        return PNG
    if re.match(rb"%PDF-[12]\.\d", content) and b"%%EOF" in content[-1024:]:
        return PDF
    if content[4:8] == b"ftyp" and content[8:12] in _HEIC_BRANDS:
        return HEIC
    return None


@dataclass(frozen=True, slots=True)
class StoredFile:
    """Where and what a stored evidence file is."""

    storage_key: str
    content_type: str
    size: int
    sha256: str


class EvidenceStore:
    """Evidence files in one folder, each under a random 128-bit name."""

    def __init__(self, root: Path, max_bytes: int) -> None:
        self.root, self.max_bytes = root, max_bytes

    @classmethod
    def from_settings(cls, settings: Settings) -> EvidenceStore:
        return cls(settings.evidence_dir, settings.evidence_max_bytes)

    def put(self, kind: str, content: bytes) -> StoredFile:
        """Check ``content`` for ``kind`` (``EvidenceRefused`` if not acceptable) and
        store it; the caller records the returned key with the file's metadata."""
        content_type = check_evidence(
            kind, sniff_content_type(content), len(content), self.max_bytes
        )
        return self.write(content, content_type)

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
