"""The customer's anti-phishing code over HTTP: set and read by the customer only."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field

from lastgate.notices.adapters import preferences
from lastgate.notices.model import ANTI_PHISHING_CODE_PATTERN
from lastgate.platform.http.deps import Context, CurrentPrincipal
from lastgate.platform.http.errors import ErrorOut

router = APIRouter(prefix="/v1", tags=["preferences"])

Uid = Annotated[str, Path(pattern=r"^[A-Za-z0-9_.:-]{1,64}$")]
_ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorOut} for code in (401, 403, 404, 422)
}


class AntiPhishingCodeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(
        pattern=ANTI_PHISHING_CODE_PATTERN,
        description="4 to 20 letters or digits, printed at the top of every notice.",
        examples=["Blue7Harbor"],
    )


class AntiPhishingCodeOut(BaseModel):
    """Whether a code is set; ``code`` only for the customer themselves."""

    uid: str
    is_set: bool
    code: str | None
    updated_at: datetime | None


def _out(status: preferences.AntiPhishingCodeStatus) -> AntiPhishingCodeOut:
    return AntiPhishingCodeOut(
        uid=status.uid, is_set=status.is_set, code=status.code, updated_at=status.updated_at
    )


@router.get("/accounts/{uid}/anti-phishing-code", responses=_ERRORS)
def read_code(uid: Uid, context: Context, principal: CurrentPrincipal) -> AntiPhishingCodeOut:
    """The customer sees their code; staff see only whether one is set."""
    return _out(preferences.read_anti_phishing_code(context.engine, principal, uid))


@router.put("/accounts/{uid}/anti-phishing-code", responses=_ERRORS)
def set_code(
    uid: Uid, body: AntiPhishingCodeIn, context: Context, principal: CurrentPrincipal
) -> AntiPhishingCodeOut:
    """Set or change the customer's own code; staff and other customers get 403."""
    status = preferences.set_anti_phishing_code(
        context.engine, context.clock, principal, uid, body.code
    )
    return _out(status)
