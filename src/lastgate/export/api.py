"""The customer's data export over HTTP: one ZIP with their data as JSON and CSV."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import Response

from lastgate.export.adapters import LedgerDataExport
from lastgate.export.service import export_customer_data
from lastgate.platform.http.deps import Context, CurrentPrincipal
from lastgate.platform.http.errors import ErrorOut

router = APIRouter(prefix="/v1", tags=["export"])

Uid = Annotated[str, Path(pattern=r"^[A-Za-z0-9_.:-]{1,64}$")]
_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {
        "content": {"application/zip": {}},
        "description": "account.json, Koinly and CoinTracking CSVs, and a per-year summary.",
    },
    **{code: {"model": ErrorOut} for code in (401, 403, 404, 422)},
}


@router.get("/accounts/{uid}/export", response_class=Response, responses=_RESPONSES)
def export(uid: Uid, context: Context, principal: CurrentPrincipal) -> Response:
    """Download all of the account's data (GDPR art. 20). Customers: their own account only."""
    filename, content = export_customer_data(
        LedgerDataExport(context.engine), principal, uid, now=context.clock()
    )
    return Response(
        content=content,
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
