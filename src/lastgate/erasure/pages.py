"""The closed account's pages: the page a closed customer lands on, whatever they ask
for, and their closure certificate, downloaded from it."""

from __future__ import annotations

from fastapi import APIRouter, Response

from lastgate.eligibility.model.closed import CertificateState, ClosedAccount
from lastgate.eligibility.service import Eligibility
from lastgate.erasure.adapters import console as console_reads
from lastgate.erasure.wire import CertificateFormat, certificate_response
from lastgate.kernel.errors import NotFound
from lastgate.platform.web.pages import CLOSED_PATH, CustomerPage, PageRoute, see_other

router = APIRouter(prefix="/web", route_class=PageRoute, include_in_schema=False)


@router.get(CLOSED_PATH.removeprefix("/web"))
def closed(page: CustomerPage, refused: bool = False) -> Response:
    """That the account is closed and since when, its certificate (or that it is on its
    way while the erasure runs) and a way to write to support: nothing else is offered. An account
    still open is sent to its self-check."""
    answer = page.service(Eligibility).customer_answer(page.me, page.me.subject)
    if not isinstance(answer, ClosedAccount):
        return see_other("/web/me")
    return page.render(
        "customer/closed.html",
        issued=answer.certificate is CertificateState.ISSUED,
        closed_at=console_reads.closed_at(page.context.engine, page.me.subject),
        refused=refused,
    )


@router.get("/me/certificate")
def certificate(page: CustomerPage, format: CertificateFormat = CertificateFormat.PDF) -> Response:
    """The signed certificate, once erasure has issued it (PDF or JSON), the PDF in the
    page's language."""
    document = console_reads.certificate(page.context.engine, page.me.subject)
    if document is None:
        raise NotFound("no closure certificate for this account yet")
    return certificate_response(document, format, page.language)
