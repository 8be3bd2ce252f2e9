"""``GET /v1/certificate-key``: the public key that verifies closure certificates.

Public, no authentication: customers and auditors fetch it to verify a certificate.
``certificate_response`` serves a signed certificate as JSON or PDF, for the routes that
hand a customer their own certificate.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel, Field

from lastgate.erasure.adapters import console as console_reads
from lastgate.erasure.adapters.certificate_signing import (
    ALGORITHM,
    key_id,
    load_public_key,
    public_key_pem,
)
from lastgate.erasure.wire import CertificateFormat, certificate_response
from lastgate.kernel.access import ensure_may_read_account
from lastgate.kernel.errors import NotFound
from lastgate.platform.http.deps import Context, CurrentPrincipal, Language
from lastgate.platform.http.errors import ErrorOut

router = APIRouter(prefix="/v1", tags=["certificates"])

_CACHE = {"Cache-Control": "public, max-age=300"}


class CertificateKeyOut(BaseModel):
    """The Ed25519 public key of this issuer, and the key id certificates name."""

    algorithm: Literal["Ed25519"]
    key_id: str = Field(description="First 16 hex digits of SHA-256 of the raw public key.")
    public_key_pem: str = Field(description="SubjectPublicKeyInfo PEM; save it as KEY.pem.")
    issuer: str


@router.get(
    "/certificate-key",
    response_model=CertificateKeyOut,
    summary="The public key that verifies closure certificates",
)
def get_certificate_key(context: Context, response: Response) -> CertificateKeyOut:
    """Verify with ``lastgate certificate verify FILE --public-key KEY.pem``; see
    docs/certificate.md. A certificate whose key id differs was signed by an earlier key.
    """
    pem = public_key_pem(context.settings)
    response.headers.update(_CACHE)
    return CertificateKeyOut(
        algorithm=ALGORITHM,
        key_id=key_id(load_public_key(pem)),
        public_key_pem=pem,
        issuer=context.settings.certificate_issuer,
    )


@router.get(
    "/certificate-key.pem",
    response_class=Response,
    responses={200: {"content": {"application/x-pem-file": {}}}},
    summary="The same public key as a PEM file",
)
def get_certificate_key_pem(context: Context) -> Response:
    """The PEM alone, for ``curl -o KEY.pem``."""
    return Response(
        public_key_pem(context.settings), media_type="application/x-pem-file", headers=_CACHE
    )


@router.get(
    "/accounts/{uid}/certificate",
    responses={code: {"model": ErrorOut} for code in (401, 403, 404)},
    response_class=Response,
)
def get_closure_certificate(
    uid: Annotated[str, Path(pattern=r"^[A-Za-z0-9_.:-]{1,64}$")],
    context: Context,
    principal: CurrentPrincipal,
    language: Language,
    format: CertificateFormat = CertificateFormat.JSON,
) -> Response:
    """The signed closure certificate of a closed account, as JSON or PDF (the PDF's pages
    in the request's language: ``?lang=`` or Accept-Language)."""
    ensure_may_read_account(principal, uid)
    document = console_reads.certificate(context.engine, uid)
    if document is None:
        raise NotFound("no closure certificate for this account yet")
    base = context.settings.public_base_url
    return certificate_response(document, format, language, public_base_url=base)
