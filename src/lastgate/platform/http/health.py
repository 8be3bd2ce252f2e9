"""``GET /healthz`` (liveness: the process answers and its database answers) and
``GET /readyz`` (readiness: the database answers and its schema is at the migrations'
head), for the load balancer and the orchestrator (docs/operations.md)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import text

from lastgate.platform.db.readiness import readiness
from lastgate.platform.http.deps import Context
from lastgate.platform.http.errors import ServiceUnavailable

router = APIRouter(tags=["operations"])


class HealthOut(BaseModel):
    status: Literal["ok"]
    database: Literal["ok"]


class ReadyOut(BaseModel):
    status: Literal["ready"]
    database: Literal["ok"]
    migrations: Literal["at head"]


@router.get("/healthz", response_model=HealthOut, summary="Liveness and database check")
def healthz(context: Context) -> HealthOut:
    """``ok`` when the database answers ``SELECT 1``; 503 ``SERVICE_UNAVAILABLE`` otherwise."""
    try:
        with context.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        raise ServiceUnavailable("the database is unavailable") from exc
    return HealthOut(status="ok", database="ok")


@router.get("/readyz", response_model=ReadyOut, summary="Readiness: database and migrations")
def readyz(context: Context) -> ReadyOut:
    """``ready`` when the database answers and its schema is at head; otherwise 503
    ``SERVICE_UNAVAILABLE`` whose detail names the part that failed (``database`` or
    ``migrations``)."""
    problem = readiness(context.engine)
    if problem is not None:
        raise ServiceUnavailable(
            f"not ready: {problem.reason}",
            details=[{"path": problem.part, "reason": problem.reason}],
        )
    return ReadyOut(status="ready", database="ok", migrations="at head")
