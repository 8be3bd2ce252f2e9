"""Regenerate the Chinese font subset the certificate PDF embeds.

The font is Noto Sans SC (SIL Open Font License 1.1, no reserved font name) from the npm
package ``@fontsource/noto-sans-sc``, pinned below by version and integrity hash. The
subset keeps printable ASCII, Latin-1, a little typographic punctuation and every
character of every translation in the Chinese catalog, so any catalog text the PDF shows
has its glyphs. Run it after the catalog gains characters (``tests/unit/
test_certificate_language.py`` fails until then)::

    .venv/bin/python scripts/build_cjk_font.py            # npm pack the pinned package
    .venv/bin/python scripts/build_cjk_font.py --tarball noto-sans-sc-5.3.0.tgz

The output is deterministic: the same catalog gives the same bytes.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from babel.messages.pofile import read_po
from fontTools import subset
from fontTools.ttLib import TTFont

PACKAGE = "@fontsource/noto-sans-sc"
VERSION = "5.3.0"
INTEGRITY = (
    "sha512-HeqIlGm0+ohOKxZLuHj1qW6r6avHH0OWdKERAcSDI0RQ"
    "+MXrteuLKA+M+5eOA8rYy0MFvOR5AT0fQo2rUkye0Q=="
)
WEIGHTS = {"Regular": 400, "Bold": 700}

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "src/lastgate/locale/zh_Hans/LC_MESSAGES/lastgate.po"
OUT = ROOT / "src/lastgate/erasure/adapters/fonts"
#: Typographic punctuation, and what Babel writes into Chinese dates (2026年12月7日).
EXTRA = "\u2013\u2014\u2018\u2019\u201c\u201d\u2022\u2026\u00d7\u3000年月日"


def characters(catalog: Path = CATALOG) -> set[str]:
    """Printable ASCII, Latin-1, some punctuation and every translated character."""
    chars = {chr(c) for c in range(0x20, 0x7F)} | {chr(c) for c in range(0xA0, 0x100)}
    chars |= set(EXTRA)
    with catalog.open("rb") as f:
        for message in read_po(f):
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            for text in strings:
                chars |= set(text or "")
    return {c for c in chars if c.isprintable() or c == "\u3000"}


def fetch(tarball: Path | None, workdir: Path) -> bytes:
    """The pinned package's bytes, checked against its integrity hash."""
    if tarball is None:
        subprocess.run(
            ["npm", "pack", f"{PACKAGE}@{VERSION}", "--pack-destination", str(workdir)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        (tarball,) = workdir.glob("*.tgz")
    data = tarball.read_bytes()
    digest = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    if digest != INTEGRITY:
        sys.exit(f"{tarball}: integrity {digest} is not the pinned {INTEGRITY}")
    return data


def build(package: bytes, chars: set[str], out: Path = OUT) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tarfile.open(fileobj=io.BytesIO(package), mode="r:gz") as tar:
        licence = tar.extractfile("package/LICENSE")
        assert licence is not None
        (out / "OFL.txt").write_bytes(licence.read())
        for style, weight in WEIGHTS.items():
            member = tar.extractfile(
                f"package/files/noto-sans-sc-chinese-simplified-{weight}-normal.woff"
            )
            assert member is not None
            font = TTFont(io.BytesIO(member.read()), recalcTimestamp=False)
            options = subset.Options()
            options.name_IDs = ["*"]
            options.notdef_outline = True
            options.layout_features = ["kern", "liga", "locl", "vert"]
            subsetter = subset.Subsetter(options)
            subsetter.populate(unicodes=sorted(ord(c) for c in chars))
            subsetter.subset(font)
            _name(font, style)
            font.flavor = None  # plain TrueType: what fpdf2 reads
            target = out / f"NotoSansSC-{style}-subset.ttf"
            font.save(str(target))
            written.append(target)
    return written


def _name(font: TTFont, style: str) -> None:
    """The package's static instances are named after the variable font's default
    ("Noto Sans SC Thin"); name each for the weight it is."""
    table = font["name"]
    for record in list(table.names):
        if record.nameID in (1, 3, 4, 6, 16, 17):
            table.removeNames(nameID=record.nameID)
    for name_id, text in {
        1: "Noto Sans SC",
        2: style,
        3: f"NotoSansSC-{style};lastgate-subset",
        4: f"Noto Sans SC {style}",
        6: f"NotoSansSC-{style}",
    }.items():
        table.setName(text, name_id, 3, 1, 0x409)
        table.setName(text, name_id, 1, 0, 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tarball", type=Path, help="the package already packed by npm")
    args = parser.parse_args()
    chars = characters()
    with tempfile.TemporaryDirectory() as tmp:
        package = fetch(args.tarball, Path(tmp))
    for path in build(package, chars):
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size} bytes, {len(chars)} characters")


if __name__ == "__main__":
    main()
