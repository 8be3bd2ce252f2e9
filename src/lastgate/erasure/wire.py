"""A closure certificate as an HTTP answer: its JSON document or the PDF that carries it,
for the API and the customer's page alike."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

from fastapi import Response
from fastapi.responses import JSONResponse

from lastgate.erasure.adapters.certificate_pdf import render_pdf
from lastgate.kernel.i18n import ENGLISH


class CertificateFormat(StrEnum):
    """How a certificate is downloaded."""

    JSON = "json"
    PDF = "pdf"


def certificate_response(
    signed_document: dict[str, Any], fmt: CertificateFormat, language: str = ENGLISH
) -> Response:
    """A signed certificate as its JSON document or as the PDF that carries it, the PDF's
    pages in ``language``."""
    safe_id = re.sub(r"[^A-Za-z0-9_.-]", "_", str(signed_document["certificate"]["certificate_id"]))
    name = f"closure-certificate-{safe_id}"
    if fmt is CertificateFormat.PDF:
        return Response(
            render_pdf(signed_document, language),
            media_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{name}.pdf"'},
        )
    return JSONResponse(
        signed_document, headers={"Content-Disposition": f'attachment; filename="{name}.json"'}
    )
