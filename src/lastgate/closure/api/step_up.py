"""Step-up factors and identity evidence over HTTP: enrol an authenticator, upload a
document or selfie, and (staff) view and review the evidence."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Path, UploadFile, status
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from lastgate.closure.api.closures import ClosureOut, RequestId, Uid, _out
from lastgate.closure.model.verification import EvidenceRefusal
from lastgate.closure.service import step_up
from lastgate.closure.service import workflow as closure
from lastgate.closure.service.workflow import Workflow
from lastgate.kernel.access import ensure_staff
from lastgate.kernel.errors import InvalidInput
from lastgate.platform.http.deps import Context, CurrentPrincipal
from lastgate.platform.http.errors import ErrorOut

router = APIRouter(prefix="/v1", tags=["verification"])
_ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorOut} for code in (401, 403, 404, 409, 413, 422)
}


class EnrolmentOut(BaseModel):
    secret: str = Field(description="For typing into the app; shown once.")
    provisioning_uri: str = Field(description="otpauth:// URI to show as a QR code.")


class CodeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=6, max_length=8, pattern=r"^[0-9]+$")


class EvidenceOut(BaseModel):
    id: str
    kind: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime
    decision: str | None
    reviewed_by: str | None
    refusal: str | None = None


class UploadedOut(BaseModel):
    evidence_id: str


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    approve: bool
    refusal: EvidenceRefusal | None = Field(
        default=None,
        description="Required to refuse: why, from the reasons for the file's kind. The "
        "customer is told it, in their language, with how to send a new file.",
    )


@router.post("/accounts/{uid}/factors/totp", status_code=status.HTTP_201_CREATED, responses=_ERRORS)
def enroll(uid: Uid, context: Context, principal: CurrentPrincipal) -> EnrolmentOut:
    """Start setting up an authenticator app; confirm it with a first code."""
    enrolment = step_up.enroll_totp(context.service(Workflow).unit_of_work(), principal, uid)
    return EnrolmentOut(secret=enrolment.secret, provisioning_uri=enrolment.provisioning_uri)


@router.post(
    "/accounts/{uid}/factors/totp/confirm",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=_ERRORS,
)
def confirm(uid: Uid, body: CodeIn, context: Context, principal: CurrentPrincipal) -> None:
    step_up.confirm_totp(context.service(Workflow).unit_of_work(), principal, uid, body.code)


@router.post(
    "/closure-requests/{request_id}/evidence",
    status_code=status.HTTP_201_CREATED,
    responses=_ERRORS,
)
def upload(
    request_id: RequestId,
    kind: Annotated[Literal["document", "selfie"], Form()],
    file: Annotated[UploadFile, File(description="JPEG, PNG, HEIC or PDF")],
    context: Context,
    principal: CurrentPrincipal,
) -> UploadedOut:
    """Upload identity evidence; its type is read from its bytes, not its name."""
    limit = context.settings.evidence_max_bytes
    content = file.file.read(limit + 1)
    if len(content) > limit:
        raise InvalidInput(
            f"the file is larger than {limit} bytes",
            details=[{"path": "file", "reason": "too_large"}],
        )
    evidence_id = step_up.upload_evidence(
        context.service(Workflow).unit_of_work(),
        principal,
        request_id,
        kind,
        content,
        filename=file.filename,
    )
    return UploadedOut(evidence_id=evidence_id)


@router.get("/closure-requests/{request_id}/evidence", responses=_ERRORS)
def list_evidence(
    request_id: RequestId, context: Context, principal: CurrentPrincipal
) -> list[EvidenceOut]:
    """Staff: the evidence uploaded for a request, with decisions."""
    ensure_staff(principal, message="staff only")
    with context.service(Workflow).unit_of_work() as uow:
        files = uow.step_up.list_evidence(request_id)
    return [EvidenceOut(**asdict(f)) for f in files]


@router.get(
    "/closure-requests/{request_id}/evidence/{evidence_id}",
    responses=_ERRORS,
    response_class=StreamingResponse,
)
def read_evidence(
    request_id: RequestId,
    evidence_id: Annotated[str, Path(max_length=36)],
    context: Context,
    principal: CurrentPrincipal,
) -> StreamingResponse:
    """Staff: stream one file to the reviewer (never cached, never inline in a page)."""
    ensure_staff(principal, message="staff only")
    with context.service(Workflow).unit_of_work() as uow:
        content_type, chunks = uow.step_up.read_evidence(request_id, evidence_id)
        body = b"".join(chunks)

    def stream() -> Iterator[bytes]:
        yield body

    return StreamingResponse(
        stream(),
        media_type=content_type,
        headers={
            "Cache-Control": "no-store",
            "Content-Disposition": "attachment",
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.post("/closure-requests/{request_id}/evidence/{evidence_id}/review", responses=_ERRORS)
def review(
    request_id: RequestId,
    evidence_id: Annotated[str, Path(max_length=36)],
    body: ReviewIn,
    context: Context,
    principal: CurrentPrincipal,
) -> ClosureOut:
    """Staff: approve or reject one file (with why); the request moves on once all is
    approved. Only while the request takes evidence (409 otherwise)."""
    request = closure.review_evidence(
        context.service(Workflow),
        principal,
        request_id,
        evidence_id,
        approve=body.approve,
        refusal=None if body.refusal is None else body.refusal.value,
    )
    return _out(request, principal)
