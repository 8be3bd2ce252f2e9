"""``GET /v1/accounts/{uid}/eligibility``: may this account be closed now, and why not.

The hottest route of the API, so it is lean: an ``async`` endpoint whose blocking work
(the token's revocation lookup, the check, the report's JSON) runs in one worker-thread
hop on a database server and inline on embedded SQLite (``blocking.read``), and whose
body is the wire model serialised once (``report_bytes``), not validated again by
FastAPI. ``response_model`` stays, for the OpenAPI document.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response

from lastgate.eligibility.service import Eligibility
from lastgate.eligibility.wire import ReportOut, report_bytes
from lastgate.kernel.i18n import bcp47
from lastgate.platform.http import blocking
from lastgate.platform.http.deps import CurrentCaller, Language, context_of
from lastgate.platform.http.errors import ErrorOut

router = APIRouter(prefix="/v1/accounts", tags=["eligibility"])

_ERRORS: dict[int | str, dict[str, object]] = {
    401: {"model": ErrorOut, "description": "Missing, malformed or expired token."},
    403: {"model": ErrorOut, "description": "A customer asking about another account."},
    404: {"model": ErrorOut, "description": "No account with that UID (staff only)."},
    422: {"model": ErrorOut, "description": "Invalid UID or parameters."},
}


@router.get(
    "/{uid}/eligibility",
    response_model=ReportOut,
    responses=_ERRORS,
    summary="Check whether an account may be closed",
)
async def get_eligibility(
    uid: Annotated[str, Path(min_length=1, max_length=64)],
    request: Request,
    caller: CurrentCaller,
    language: Language,
) -> Response:
    """Every closure precondition with its status, evidence and remediation.

    Customers may read only their own UID and get the customer view, or the closed view
    (no checks; where the certificate is) once the account is closed; agents and
    compliance get the internal view with detail and the account's status.
    """
    context = context_of(request)
    eligibility = context.service(Eligibility)

    def answer() -> bytes:
        return report_bytes(eligibility.report_for(caller.principal(), uid), language)

    body = await blocking.read(context.engine, answer)
    headers = {
        "Content-Language": bcp47(language),
        "Vary": "Accept-Language, Authorization",
        "Cache-Control": "no-store",
    }
    return Response(body, media_type="application/json", headers=headers)
