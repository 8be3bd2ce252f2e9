"""Closure requests over HTTP: the customer's steps and the staff's decisions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, status
from pydantic import BaseModel, ConfigDict, Field

from lastgate.closure.model.lifecycle import (
    ClosureOrigin,
    ClosureReason,
    ClosureRequest,
    ClosureState,
    as_customer_sees,
)
from lastgate.closure.service import freeze
from lastgate.closure.service import protective_freeze as protection
from lastgate.closure.service import workflow as closure
from lastgate.closure.service.workflow import Workflow
from lastgate.kernel.access import Principal
from lastgate.kernel.redaction import removed_kinds, warning
from lastgate.ledger.model import HoldKind
from lastgate.platform.http.deps import Context, CurrentPrincipal, Language
from lastgate.platform.http.errors import ErrorOut

router = APIRouter(prefix="/v1", tags=["closure"])

Uid = Annotated[str, Path(pattern=r"^[A-Za-z0-9_.:-]{1,64}$")]
RequestId = Annotated[str, Path(min_length=36, max_length=36)]
_ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorOut} for code in (401, 403, 404, 409, 422)
}


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SubmitIn(_In):
    reason: ClosureReason
    reason_text: str = Field(default="", max_length=closure.MAX_REASON_TEXT)


class VerificationIn(_In):
    method: Literal["totp", "email", "sms"]


class CodeIn(VerificationIn):
    code: str = Field(min_length=4, max_length=12, pattern=r"^[0-9]+$")


class NoteIn(_In):
    note: str = Field(min_length=1, max_length=2000)


class ReasonIn(_In):
    reason: str = Field(min_length=1, max_length=2000)


class HoldIn(_In):
    kind: HoldKind
    reason: str = Field(min_length=1, max_length=2000)


class ClosureOut(BaseModel):
    """A closure request as its reader may see it (staff see who decided)."""

    id: str
    uid: str
    state: ClosureState
    reason: ClosureReason
    reason_text: str
    created_at: datetime
    updated_at: datetime
    version: int
    needs_review: bool
    needs_evidence: bool
    factor_verified: bool
    cooling_off_ends_at: datetime | None
    decision_note: str | None = Field(description="Why it was rejected, when it was.")
    decided_by: str | None = Field(default=None, description="Staff only.")
    origin: ClosureOrigin = Field(
        default=ClosureOrigin.CUSTOMER,
        description="customer, or campaign: opened by the platform (an offboarding campaign).",
    )


class SubmittedOut(BaseModel):
    request: ClosureOut
    freeze_instead: str = Field(
        description="Many customers only want a pause: freezing is reversible."
    )
    data_export: str = Field(
        description="Download your data (GDPR art. 20) before the account is closed; "
        "available until closure, cooling-off included."
    )
    secrets_removed: list[str] = Field(
        default_factory=list,
        description="What was removed from reason_text before it was stored "
        "(seed_phrase, private_key_hex, private_key_wif, extended_private_key, password).",
    )
    warning: str | None = Field(
        default=None, description="Set when secrets were removed: staff never ask for them."
    )


class HoldOut(BaseModel):
    hold_id: str


class LiftOut(BaseModel):
    lifted: bool


def _out(request: ClosureRequest, principal: Principal) -> ClosureOut:
    # A customer is shown a hold as the review it reads like; staff see ``on_hold``.
    request = request if principal.is_staff else as_customer_sees(request)
    return ClosureOut(
        id=request.id,
        uid=request.uid,
        state=request.state,
        reason=request.reason,
        reason_text=request.reason_text,
        created_at=request.created_at,
        updated_at=request.updated_at,
        version=request.version,
        needs_review=request.needs_review,
        needs_evidence=request.needs_evidence,
        factor_verified=request.factor_verified_at is not None,
        cooling_off_ends_at=request.cooling_off_ends_at,
        decision_note=request.decision_note if request.state is ClosureState.REJECTED else None,
        decided_by=request.decided_by if principal.is_staff else None,
        origin=request.origin,
    )


@router.post(
    "/accounts/{uid}/closure-requests", status_code=status.HTTP_201_CREATED, responses=_ERRORS
)
def submit(
    uid: Uid, body: SubmitIn, context: Context, principal: CurrentPrincipal, language: Language
) -> SubmittedOut:
    """Ask to close the account. Refused (409 NOT_ELIGIBLE) while anything blocks; a second
    open request is refused (409 CLOSURE_ALREADY_OPEN). The request's language (``?lang=``,
    else Accept-Language) becomes the customer's: every notice is written in it."""
    request = closure.submit(
        context.service(Workflow),
        principal,
        uid,
        body.reason,
        body.reason_text,
        language=language,
    )
    removed = removed_kinds(body.reason_text, request.reason_text)
    return SubmittedOut(
        request=_out(request, principal),
        freeze_instead=f"/v1/accounts/{uid}/freeze",
        data_export=f"/v1/accounts/{uid}/export",
        secrets_removed=list(removed),
        warning=warning(removed, language),
    )


@router.get("/accounts/{uid}/closure-requests/current", responses=_ERRORS)
def current(uid: Uid, context: Context, principal: CurrentPrincipal) -> ClosureOut | None:
    """The open request, else the latest one, else null."""
    request = closure.current(context.service(Workflow), principal, uid)
    return None if request is None else _out(request, principal)


@router.get("/closure-requests/{request_id}", responses=_ERRORS)
def read(request_id: RequestId, context: Context, principal: CurrentPrincipal) -> ClosureOut:
    return _out(closure.get(context.service(Workflow), principal, request_id), principal)


@router.post(
    "/closure-requests/{request_id}/verification",
    responses={**_ERRORS, 429: {"model": ErrorOut}},
)
def start_verification(
    request_id: RequestId, body: VerificationIn, context: Context, principal: CurrentPrincipal
) -> ClosureOut:
    """Start (or resend) step-up verification; e-mail and SMS get a one-time code. 429
    CODE_SEND_LIMITED, with ``next_send_at``, when a code was sent too recently or too
    often; 403 VERIFICATION_LOCKED while the account is locked. The customer's alone."""
    request = closure.start_verification(
        context.service(Workflow), principal, request_id, body.method
    )
    return _out(request, principal)


@router.post("/closure-requests/{request_id}/verification/check", responses=_ERRORS)
def check_code(
    request_id: RequestId, body: CodeIn, context: Context, principal: CurrentPrincipal
) -> ClosureOut:
    """Prove the second factor. 422 VERIFICATION_FAILED with tries left; 403
    VERIFICATION_LOCKED with until when. Wrong tries count per account, every method and
    request together. The customer's alone (403 FORBIDDEN for staff)."""
    request = closure.verify(
        context.service(Workflow), principal, request_id, body.method, body.code
    )
    return _out(request, principal)


@router.post("/closure-requests/{request_id}/cancel", responses=_ERRORS)
def cancel(request_id: RequestId, context: Context, principal: CurrentPrincipal) -> ClosureOut:
    """Cancel before execution; cancelling during cooling-off unfreezes the account."""
    return _out(closure.cancel(context.service(Workflow), principal, request_id), principal)


@router.get("/review-queue", responses=_ERRORS)
def review_queue(
    context: Context,
    principal: CurrentPrincipal,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[ClosureOut]:
    """Staff: requests awaiting verification evidence or review, oldest first."""
    return [
        _out(r, principal)
        for r in closure.review_queue(context.service(Workflow), principal, limit)
    ]


@router.post("/closure-requests/{request_id}/approve", responses=_ERRORS)
def approve(
    request_id: RequestId, body: NoteIn, context: Context, principal: CurrentPrincipal
) -> ClosureOut:
    """Staff: approve a request in review; a second, different person completes it."""
    return _out(
        closure.approve(context.service(Workflow), principal, request_id, body.note), principal
    )


@router.post("/closure-requests/{request_id}/reject", responses=_ERRORS)
def reject(
    request_id: RequestId, body: ReasonIn, context: Context, principal: CurrentPrincipal
) -> ClosureOut:
    """Staff: reject with a reason the customer is told, with how to appeal."""
    return _out(
        closure.reject(context.service(Workflow), principal, request_id, body.reason), principal
    )


@router.post("/accounts/{uid}/holds", status_code=status.HTTP_201_CREATED, responses=_ERRORS)
def place_hold(uid: Uid, body: HoldIn, context: Context, principal: CurrentPrincipal) -> HoldOut:
    """Compliance: place a hold; an open closure request goes on hold."""
    return HoldOut(
        hold_id=closure.place_hold(
            context.service(Workflow), principal, uid, body.kind, body.reason
        )
    )


@router.post("/holds/{hold_id}/lift", responses=_ERRORS)
def lift_hold(
    hold_id: Annotated[str, Path(max_length=64)],
    body: NoteIn,
    context: Context,
    principal: CurrentPrincipal,
) -> LiftOut:
    """Compliance: the first call asks, a second officer's call lifts (four eyes)."""
    return LiftOut(
        lifted=closure.lift_hold(context.service(Workflow), principal, hold_id, body.note)
    )


class FrozenOut(BaseModel):
    unfreeze_after: datetime


class UnfreezeIn(_In):
    code: str = Field(min_length=6, max_length=8, pattern=r"^[0-9]+$")


@router.post("/accounts/{uid}/freeze", status_code=status.HTTP_201_CREATED, responses=_ERRORS)
def freeze_account(uid: Uid, context: Context, principal: CurrentPrincipal) -> FrozenOut:
    """Freeze the account instead of closing it (reversible after the policy's delay)."""
    return FrozenOut(unfreeze_after=freeze.freeze(context.service(Workflow), principal, uid))


@router.post("/accounts/{uid}/unfreeze", status_code=status.HTTP_204_NO_CONTENT, responses=_ERRORS)
def unfreeze_account(
    uid: Uid, body: UnfreezeIn, context: Context, principal: CurrentPrincipal
) -> None:
    """Lift the customer's freeze with their authenticator code, once the delay is over."""
    freeze.unfreeze(context.service(Workflow), principal, uid, body.code)


@router.post(
    "/accounts/{uid}/protective-freeze",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=_ERRORS,
)
def protective_freeze(
    uid: Uid, body: ReasonIn, context: Context, principal: CurrentPrincipal
) -> None:
    """Compliance: freeze the account to protect it, with a reason (audited). The customer
    is told; their authenticator cannot lift it, only compliance can."""
    protection.protective_freeze(context.service(Workflow), principal, uid, body.reason)


@router.post(
    "/accounts/{uid}/protective-freeze/lift",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=_ERRORS,
)
def lift_protective_freeze(
    uid: Uid, body: NoteIn, context: Context, principal: CurrentPrincipal
) -> None:
    """Compliance: lift the protective freeze, with a note (audited)."""
    protection.lift_protective_freeze(context.service(Workflow), principal, uid, body.note)
