"""Files for upload tests, made here by the real encoders: small genuine photos and PDFs,
and the polyglots an attacker sends (a JPEG followed by HTML, a PNG with a ZIP appended,
a PNG header claiming 100000 x 100000 pixels, a PDF with JavaScript or an embedded file,
truncated files)."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pillow_heif
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


def jpeg(size: tuple[int, int] = (48, 32), *, exif: bool = False) -> bytes:
    """A real JPEG photo; with ``exif``, one carrying GPS-like metadata and a comment."""
    out = io.BytesIO()
    image = Image.new("RGB", size, (180, 40, 40))
    extra: dict[str, object] = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "PhoneMaker"  # Make
        data[0x0110] = "Secret Phone 12"  # Model
        extra = {"exif": data.tobytes(), "comment": b"taken at home"}
    image.save(out, format="JPEG", **extra)
    return out.getvalue()


def png(size: tuple[int, int] = (48, 32)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (40, 160, 40)).save(out, format="PNG")
    return out.getvalue()


def heic(size: tuple[int, int] = (64, 48)) -> bytes:
    pillow_heif.register_heif_opener()
    out = io.BytesIO()
    Image.new("RGB", size, (40, 40, 180)).save(out, format="HEIF")
    return out.getvalue()


def pdf(*, javascript: bool = False, embedded_file: bool = False) -> bytes:
    """A one-page PDF; optionally with a JavaScript open action or an embedded file."""
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    if javascript:
        writer.root_object[NameObject("/OpenAction")] = DictionaryObject(
            {
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject("app.alert('hello');"),
            }
        )
    if embedded_file:
        writer.add_attachment("payload.exe", b"MZ\x90\x00")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def zip_archive() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("index.html", HTML)
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_claiming(width: int, height: int) -> bytes:
    """A well-formed PNG header claiming ``width`` x ``height`` pixels, with a tiny body:
    a decompression bomb if anyone decodes it."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\x00" * 4096))
        + _chunk(b"IEND", b"")
    )


def jpeg_with_html() -> bytes:
    return jpeg() + HTML


def png_with_zip() -> bytes:
    return png() + zip_archive()


def decoded(content: bytes) -> Image.Image:
    """The photo ``content`` is, decoded (for checking what was stored)."""
    pillow_heif.register_heif_opener()
    image = Image.open(io.BytesIO(content))
    image.load()
    return image
