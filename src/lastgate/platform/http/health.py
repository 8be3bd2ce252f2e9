"""``GET /healthz``: the process is up and its database answers."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import text

from lastgate.platform.http.deps import Context
from lastgate.platform.http.errors import ServiceUnavailable

router = APIRouter(tags=["operations"])


class HealthOut(BaseModel):
    status: Literal["ok"]
    database: Literal["ok"]


@router.get("/healthz", response_model=HealthOut, summary="Liveness and database check")
def healthz(context: Context) -> HealthOut:
    """``ok`` when the database answers ``SELECT 1``; 503 ``SERVICE_UNAVAILABLE`` otherwise."""
    try:
        with context.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        raise ServiceUnavailable("the database is unavailable") from exc
    return HealthOut(status="ok", database="ok")
