"""The closed account's pages: the page a closed customer lands on, whatever they ask
for, and their closure certificate, downloaded from it; and the page where anyone given
a certificate checks that this issuer signed it and nothing in it changed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, File, Response, UploadFile

from lastgate.eligibility.model.closed import CertificateState, ClosedAccount
from lastgate.eligibility.service import Eligibility
from lastgate.erasure.adapters import console as console_reads
from lastgate.erasure.adapters.certificate_signing import key_id, load_public_key, public_key_pem
from lastgate.erasure.adapters.certificate_signing import verify as verify_signed
from lastgate.erasure.model.certificate import VERIFY_PATH, ClosureCertificate, InvalidCertificate
from lastgate.erasure.wire import CertificateFormat, certificate_response
from lastgate.kernel.access import Role
from lastgate.kernel.errors import NotFound
from lastgate.platform.web.pages import (
    CLOSED_PATH,
    AnyPage,
    CustomerPage,
    Page,
    PageRoute,
    see_other,
)

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
    base = page.context.settings.public_base_url
    return certificate_response(document, format, page.language, public_base_url=base)


@dataclass(frozen=True)
class Verdict:
    """What the check found: the certificate when genuine, else why not
    (``InvalidCertificate.kind``: malformed, another_key, altered; or empty)."""

    certificate: ClosureCertificate | None
    problem: str = ""
    checked_with: str = ""  # the key id of this issuer's key, which it was checked against


def _render_verify(page: Page, verdict: Verdict | None) -> Response:
    """The check page; a closed account's customer keeps the closed account's header."""
    me = page.principal
    closed = (
        me is not None
        and me.role is Role.CUSTOMER
        and console_reads.closed_at(page.context.engine, me.subject) is not None
    )
    return page.render("certificate_verify.html", verdict=verdict, account_closed=closed)


@router.get(VERIFY_PATH.removeprefix("/web"))
def verify_form(page: AnyPage) -> Response:
    """Anyone, signed in or not: the form to check a closure certificate."""
    return _render_verify(page, None)


@router.post(VERIFY_PATH.removeprefix("/web"))
def verify_upload(page: AnyPage, file: Annotated[UploadFile, File()]) -> Response:
    """The certificate's PDF or signed data file, checked against this issuer's public
    key (the body limit bounds the file; the official-check rate limit the callers)."""
    pem = public_key_pem(page.context.settings)
    ours = key_id(load_public_key(pem))
    data = file.file.read()
    if not data:
        return _render_verify(page, Verdict(None, "empty", checked_with=ours))
    try:
        return _render_verify(page, Verdict(verify_signed(data, pem), checked_with=ours))
    except InvalidCertificate as refused:
        return _render_verify(page, Verdict(None, refused.kind, checked_with=ours))
