"""The one place that turns errors into HTTP statuses and the JSON error body.

Every error answers ``{"error": {"code", "message", "details"}}``; codes are stable.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from lastgate.kernel.errors import (
    CodeSendLimited,
    Conflict,
    Forbidden,
    InvalidInput,
    LastgateError,
    NotAuthenticated,
    NotFound,
)

log = logging.getLogger(__name__)


class ServiceUnavailable(LastgateError):
    """A dependency (the database) does not answer; the caller may retry."""

    code = "SERVICE_UNAVAILABLE"


class BodyTooLarge(LastgateError):
    """A request body over the limit of its route, refused before it was read."""

    code = "BODY_TOO_LARGE"


class RateLimited(LastgateError):
    """Too many requests from one caller; ``Retry-After`` says when to try again."""

    code = "RATE_LIMITED"


STATUS_BY_ERROR: tuple[tuple[type[LastgateError], int], ...] = (
    (NotAuthenticated, 401),
    (Forbidden, 403),
    (NotFound, 404),
    (Conflict, 409),
    (BodyTooLarge, 413),
    (InvalidInput, 422),
    (RateLimited, 429),
    (CodeSendLimited, 429),
    (ServiceUnavailable, 503),
)
_HTTP_CODES = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}


class ErrorBody(BaseModel):
    """What went wrong: a stable code, a message for people, and per-item details."""

    code: str
    message: str
    details: list[dict[str, str]] = Field(default_factory=list)


class ErrorOut(BaseModel):
    """The body of every error response."""

    error: ErrorBody


def error_response(
    status: int,
    code: str,
    message: str,
    details: list[dict[str, str]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body = ErrorOut(error=ErrorBody(code=code, message=message, details=details or []))
    return JSONResponse(body.model_dump(), status_code=status, headers=headers)


def status_for(error: LastgateError) -> int:
    """The HTTP status of a domain error: its nearest mapped class, else 400."""
    for error_type, status in STATUS_BY_ERROR:
        if isinstance(error, error_type):
            return status
    return 400


async def _lastgate_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, LastgateError)
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, NotAuthenticated) else None
    return error_response(status_for(exc), exc.code, exc.message, exc.details, headers)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    details = [
        {
            "path": ".".join(str(part) for part in err.get("loc", ())),
            "reason": str(err.get("msg", "")),
        }
        for err in exc.errors()
    ]
    return error_response(422, InvalidInput.code, "the request is not valid", details)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, "HTTP_ERROR")
    return error_response(exc.status_code, code, str(exc.detail), headers=exc.headers)


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    where = {"event": "http.unhandled_error", "path": request.url.path, "method": request.method}
    log.exception("http.unhandled_error", extra=where)
    return error_response(500, "INTERNAL_ERROR", "an internal error occurred")


def install_error_handlers(app: FastAPI) -> None:
    """Register every handler on ``app``."""
    app.add_exception_handler(LastgateError, _lastgate_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
