"""A closure certificate as an HTTP answer: its JSON document or the PDF that carries it,
for the API and the customer's page alike."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from fastapi import Response
from fastapi.responses import JSONResponse

from lastgate.erasure.adapters.certificate_pdf import render_pdf
from lastgate.erasure.model.certificate import check_page, file_name
from lastgate.kernel.i18n import ENGLISH


class CertificateFormat(StrEnum):
    """How a certificate is downloaded."""

    JSON = "json"
    PDF = "pdf"


def certificate_response(
    signed_document: dict[str, Any],
    fmt: CertificateFormat,
    language: str = ENGLISH,
    *,
    public_base_url: str,
) -> Response:
    """A signed certificate as its JSON document or as the PDF that carries it, the PDF's
    pages in ``language``, naming this issuer's check page (under ``public_base_url``)."""
    certificate_id = str(signed_document["certificate"]["certificate_id"])

    def saved_as(extension: str) -> dict[str, str]:
        return {
            "Content-Disposition": f'attachment; filename="{file_name(certificate_id, extension)}"'
        }

    if fmt is CertificateFormat.PDF:
        return Response(
            render_pdf(signed_document, language, check_url=check_page(public_base_url)),
            media_type="application/pdf",
            headers=saved_as("pdf"),
        )
    return JSONResponse(signed_document, headers=saved_as("json"))
