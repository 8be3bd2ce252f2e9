"""Accepting an uploaded file: the one home for what a customer's file really is.

A file is typed by its bytes, never its name or declared type (``sniff``), then read
whole by a real parser (``accept``): Pillow for JPEG, PNG and HEIC photos, pypdf for PDF.
A photo is decoded and encoded again, so only its pixels survive (no EXIF, no comment,
no colour profile, nothing appended after its end: a JPEG followed by HTML comes out a
clean JPEG, a PNG with a ZIP appended loses the ZIP); its width times height is checked from
its header before a pixel is decoded. A PDF is parsed, refused if it carries JavaScript,
launch actions, embedded files, rich media or XFA forms, or is encrypted (it cannot be
checked), and written again from what its catalogue reaches, which drops anything
appended. Video (MP4, QuickTime) is checked by its container's first box only.

Both the closure's identity evidence and the desk's ticket attachments store what
``accept`` returns.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

import pillow_heif
from PIL import Image, ImageOps
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

JPEG, PNG, HEIC, PDF = "image/jpeg", "image/png", "image/heic", "application/pdf"
MP4, QUICKTIME = "video/mp4", "video/quicktime"
#: Pillow's name for the decoder of each photo type; a file sniffed as one type is
#: decoded by that decoder only.
_DECODERS = {JPEG: "JPEG", PNG: "PNG", HEIC: "HEIF"}
#: JPEG quality of re-encoded photos: well above what a reviewer can tell apart.
_JPEG_QUALITY = 90
#: HEIF brands of HEIC photos (as phones take them); ``mif1`` alone is any HEIF image.
_HEIC_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1"})
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
#: PDF dictionary keys that carry code or files (ISO 32000-1 §12.6, §7.11.4, §12.7.8).
_ACTIVE_KEYS = frozenset({"/JS", "/JavaScript", "/EmbeddedFiles", "/EmbeddedFile", "/XFA"})
_ACTIVE_ACTIONS = frozenset(
    {"/JavaScript", "/Launch", "/GoToE", "/ImportData", "/RichMediaExecute"}
)
_ACTIVE_SUBTYPES = frozenset({"/FileAttachment", "/RichMedia", "/Movie", "/Sound", "/Screen"})

pillow_heif.register_heif_opener()


class FileRefused(ValueError):
    """An uploaded file that is not what it claims or not safe to keep; ``reason`` is a
    stable word (``unreadable``, ``too_many_pixels``, ``active_content``, ``encrypted``)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason, self.message = reason, message


@dataclass(frozen=True, slots=True)
class AcceptedFile:
    """What is stored of an upload: the cleaned bytes and their type (a HEIC photo
    becomes a JPEG, which every reviewer's browser shows)."""

    content: bytes
    content_type: str


def sniff(content: bytes) -> str | None:
    """The type ``content`` says it is, from its first bytes; None if not one we take.

    Beyond the opening signature, PNG must start with its header chunk, PDF must end
    with an end-of-file marker, and a video's first box must be an ``ftyp`` box of a sane
    size, so that a signature pasted on other data is refused here already.
    """
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(b"\x89PNG\r\n\x1a\n") and content[12:16] == b"IHDR":
        return PNG
    if re.match(rb"%PDF-[12]\.\d", content) and b"%%EOF" in content[-1024:]:
        return PDF
    if content[4:8] == b"ftyp" and content[8:12] in _HEIC_BRANDS:
        return HEIC
    return _video(content)


def _video(content: bytes) -> str | None:
    if len(content) < 16 or content[4:8] != b"ftyp":
        return None
    box_size = int.from_bytes(content[0:4], "big")
    if box_size < 16 or box_size > min(len(content), 4096) or box_size % 4:
        return None
    if content[8:12] == _QT_BRAND:
        return QUICKTIME
    return MP4 if content[8:12] in _MP4_BRANDS else None


def accept(content: bytes, content_type: str, *, max_pixels: int) -> AcceptedFile:
    """Read ``content`` (already sniffed as ``content_type``) with a real parser and
    return what to store; ``FileRefused`` if it does not parse or is not safe. Types
    without a parser here (video, and the JSON files lastgate makes) pass unchanged."""
    if content_type in _DECODERS:
        return _photo(content, content_type, max_pixels)
    if content_type == PDF:
        return AcceptedFile(_pdf(content), PDF)
    return AcceptedFile(content, content_type)


def _photo(content: bytes, content_type: str, max_pixels: int) -> AcceptedFile:
    try:
        with Image.open(io.BytesIO(content), formats=[_DECODERS[content_type]]) as image:
            # The header's size, before any pixel is decoded.
            width, height = image.size
            if width * height > max_pixels:
                raise FileRefused(
                    "too_many_pixels",
                    f"the image is {width}x{height} pixels; at most {max_pixels} pixels "
                    "are accepted",
                )
            image.load()
            upright = ImageOps.exif_transpose(image)
            return _encoded(upright, content_type)
    except FileRefused:
        raise
    except Image.DecompressionBombError:
        raise FileRefused(
            "too_many_pixels", f"the image has more than {max_pixels} pixels"
        ) from None
    except Exception:
        # Whatever the decoder trips on in a hostile file (OSError, SyntaxError, zlib or
        # struct errors…), the answer is the same: not a photo we keep.
        raise FileRefused("unreadable", "the image is damaged or not what it seems") from None


def _encoded(image: Image.Image, content_type: str) -> AcceptedFile:
    # Only the pixels go on: no EXIF, comment, colour profile or text chunk in ``info``.
    image.info = {}
    out = io.BytesIO()
    if content_type == PNG:
        image.save(out, format="PNG")
        return AcceptedFile(out.getvalue(), PNG)
    if image.mode not in ("RGB", "L", "CMYK"):
        image = image.convert("RGB")
    image.save(out, format="JPEG", quality=_JPEG_QUALITY)
    return AcceptedFile(out.getvalue(), JPEG)


def _pdf(content: bytes) -> bytes:
    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted:
            raise FileRefused("encrypted", "an encrypted PDF cannot be checked; send it unlocked")
        if len(reader.pages) == 0:
            raise FileRefused("unreadable", "the PDF has no pages")
        found = _active_content(reader.trailer)
        if found is not None:
            raise FileRefused(
                "active_content", f"the PDF carries {found}; send a PDF of the pages only"
            )
        writer = PdfWriter(clone_from=reader)
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()
    except FileRefused:
        raise
    except Exception:
        # pypdf raises its own errors and, on hostile input, plain ones too (KeyError,
        # TypeError, RecursionError…): any of them means a PDF we cannot vouch for.
        raise FileRefused("unreadable", "the PDF is damaged or not what it seems") from None


def _active_content(trailer: DictionaryObject) -> str | None:
    """The first script, launch action, embedded file or rich medium reachable from the
    trailer (what a viewer would find, and what the rewrite would keep), if any."""
    seen: set[tuple[int, int]] = set()
    stack: list[Any] = [trailer]
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            if (item.idnum, item.generation) in seen:
                continue
            seen.add((item.idnum, item.generation))
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            if found := _active(item):
                return found
            stack.extend(item.values())
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    return None


def _active(entry: DictionaryObject) -> str | None:
    for key in entry:
        if key in _ACTIVE_KEYS:
            return str(key).lstrip("/")
    for field, kinds in (("/S", _ACTIVE_ACTIONS), ("/Subtype", _ACTIVE_SUBTYPES)):
        value = entry.get(field)
        if isinstance(value, IndirectObject):
            value = value.get_object()
        if isinstance(value, str) and value in kinds:
            return value.lstrip("/")
    return None
