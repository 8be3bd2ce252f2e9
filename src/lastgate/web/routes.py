"""The web pages as one router for the app factory, and where their static files live."""

from __future__ import annotations

from fastapi import APIRouter

from lastgate.web import agent, compliance, customer, desk_customer, desk_staff, session
from lastgate.web.pages import STATIC_DIR

__all__ = ["STATIC_DIR", "router"]

router = APIRouter()
for _area in (session, customer, agent, compliance, desk_customer, desk_staff):
    router.include_router(_area.router)
router.include_router(customer.notice_links)
router.include_router(desk_customer.notice_links)
