"""A certificate drawn again from a copy of it: the PDF of the signed document a file
carries (its JSON, or a certificate PDF), once it verifies against this lastgate's key.
Nothing of the file given survives but the signed document, so a copy that had anything
added (a script, another attachment) comes out as the issuer drew it.

``lastgate certificate render`` writes one; the desk keeps one when a customer attaches
their certificate to a ticket (an uploaded PDF that carries an attached file is refused
otherwise, ``platform.uploads``, and the certificate carries its signed JSON)."""

from __future__ import annotations

import re

from lastgate.erasure.adapters.certificate_signing import parse_document, public_key_pem, verify
from lastgate.erasure.model.certificate import InvalidCertificate, check_page
from lastgate.kernel.i18n import ENGLISH, normalize
from lastgate.kernel.settings import Settings

#: The language a certificate PDF was drawn in, as its catalogue says (``render_pdf``).
_LANG = re.compile(rb"/Lang \(([A-Za-z-]{2,16})\)")


def rendered_again(data: bytes, settings: Settings, language: str) -> bytes:
    """The certificate in ``data`` drawn afresh in ``language``, after checking it against
    this lastgate's key; ``InvalidCertificate`` naming why when it does not verify."""
    # The PDF library is loaded only to draw one (``certificate_signing.parse_document``).
    from lastgate.erasure.adapters.certificate_pdf import render_pdf

    verify(data, public_key_pem(settings))
    document = parse_document(data)
    assert isinstance(document, dict)  # verify accepted it
    return render_pdf(document, language, check_url=check_page(settings.public_base_url))


def as_issued(data: bytes, settings: Settings) -> bytes | None:
    """``data``, a PDF, drawn again in its own language if it is a certificate this
    lastgate signed; None for any other PDF."""
    if not data.startswith(b"%PDF") or b"/EmbeddedFile" not in data:
        return None  # no attached document: not a certificate
    found = _LANG.search(data)
    language = (normalize(found.group(1).decode("ascii")) if found else None) or ENGLISH
    try:
        return rendered_again(data, settings, language)
    except InvalidCertificate:
        return None
