"""The web pages as one router for the app factory, where their static files live, and
how a browser's error is answered (``page_error``)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from lastgate.closure.pages import agent, compliance, customer, settings, takeover
from lastgate.demo import pages as demo
from lastgate.desk.pages import customer as desk_customer
from lastgate.desk.pages import help as desk_help
from lastgate.desk.pages import staff as desk_staff
from lastgate.erasure import pages as erasure
from lastgate.platform.web import session
from lastgate.platform.web.edge import page_error
from lastgate.platform.web.pages import STATIC_DIR, keep_language
from lastgate.remediation import pages as remediation

__all__ = ["STATIC_DIR", "page_error", "router"]

FAVICON = STATIC_DIR / "favicon.svg"

router = APIRouter()


@router.get("/", include_in_schema=False)
def root(request: Request) -> Response:
    """A browser opening the bare address lands on its start page, in the language it
    asked for with ``?lang=`` (kept as the pages' own redirects keep it)."""
    response = RedirectResponse("/web", status_code=307)
    return keep_language(request, response)


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> FileResponse:
    """Browsers ask for this address on their own; the pages link the same icon."""
    return FileResponse(
        FAVICON, media_type="image/svg+xml", headers={"Cache-Control": "max-age=86400"}
    )


for _area in (
    session,
    demo,
    customer,
    settings,
    takeover,
    remediation,
    erasure,
    agent,
    compliance,
    desk_customer,
    desk_help,
    desk_staff,
):
    router.include_router(_area.router)
router.include_router(customer.notice_links)
router.include_router(desk_customer.notice_links)
