"""The appeals desk over HTTP: tickets, messages, attachments, queues, canned replies
(``tickets``), the assistant and "is this official?" (``self_help``), and appeals and
recoveries (``appeals``), all under one router."""

from __future__ import annotations

from fastapi import APIRouter

from lastgate.desk.api import appeals, self_help, tickets

router = APIRouter(prefix="/v1", tags=["desk"])
router.include_router(tickets.router)
router.include_router(self_help.router)
router.include_router(appeals.router)
