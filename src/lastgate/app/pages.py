"""The web pages as one router for the app factory, and where their static files live."""

from __future__ import annotations

from fastapi import APIRouter

from lastgate.closure.pages import agent, compliance, customer
from lastgate.demo import pages as demo
from lastgate.desk.pages import customer as desk_customer
from lastgate.desk.pages import staff as desk_staff
from lastgate.erasure import pages as erasure
from lastgate.platform.web import session
from lastgate.platform.web.pages import STATIC_DIR
from lastgate.remediation import pages as remediation

__all__ = ["STATIC_DIR", "router"]

router = APIRouter()
for _area in (
    session,
    demo,
    customer,
    remediation,
    erasure,
    agent,
    compliance,
    desk_customer,
    desk_staff,
):
    router.include_router(_area.router)
router.include_router(customer.notice_links)
router.include_router(desk_customer.notice_links)
