"""QR codes drawn as inline SVG (with segno), so that a page showing one makes no request
anywhere else: an authenticator's ``otpauth://`` URI carries its secret."""

from __future__ import annotations

import segno
from markupsafe import Markup

#: Pixels per module; with the standard quiet zone of 4 modules a version-8 code (an
#: ``otpauth://`` URI) is about 230 px wide, which phone cameras read at arm's length.
_SCALE = 4
_QUIET_ZONE = 4


def qr_svg(text: str, *, title: str) -> Markup:
    """``text`` as a QR code (error correction M), an ``<svg>`` element with ``title``
    for screen readers; dark on white whatever the page's colours, as scanners need."""
    code = segno.make(text, error="m", micro=False)
    svg = code.svg_inline(
        scale=_SCALE, border=_QUIET_ZONE, dark="#000", light="#fff", title=title, svgclass="qr"
    )
    return Markup(svg)  # segno escapes the title; the rest is its own markup
