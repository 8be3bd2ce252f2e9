"""The customer's closure certificate, downloaded from their page."""

from __future__ import annotations

from fastapi import APIRouter, Response

from lastgate.erasure.adapters import console as console_reads
from lastgate.erasure.wire import CertificateFormat, certificate_response
from lastgate.kernel.errors import NotFound
from lastgate.platform.web.pages import CustomerPage, PageRoute

router = APIRouter(prefix="/web", route_class=PageRoute, include_in_schema=False)


@router.get("/me/certificate")
def certificate(page: CustomerPage, format: CertificateFormat = CertificateFormat.PDF) -> Response:
    """The signed certificate, once erasure has issued it (PDF or JSON)."""
    document = console_reads.certificate(page.context.engine, page.me.subject)
    if document is None:
        raise NotFound("no closure certificate for this account yet")
    return certificate_response(document, format)
