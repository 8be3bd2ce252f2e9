"""The one place that turns errors into HTTP statuses and the JSON error body.

Every error answers ``{"error": {"code", "message", "details"}}``; codes are stable.
A browser's request for a page (under ``/web``, or any address outside the API that
accepts HTML) is answered with the error page instead, when the app gives one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
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
from lastgate.platform.logs import request_id

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


class MethodNotAllowed(LastgateError):
    """An address that exists, asked with a method it does not take."""

    code = "METHOD_NOT_ALLOWED"


class InternalError(LastgateError):
    """A failure nobody raised on purpose; logged with its traceback."""

    code = "INTERNAL_ERROR"


STATUS_BY_ERROR: tuple[tuple[type[LastgateError], int], ...] = (
    (NotAuthenticated, 401),
    (Forbidden, 403),
    (NotFound, 404),
    (MethodNotAllowed, 405),
    (Conflict, 409),
    (BodyTooLarge, 413),
    (InvalidInput, 422),
    (RateLimited, 429),
    (CodeSendLimited, 429),
    (InternalError, 500),
    (ServiceUnavailable, 503),
)
_HTTP_CODES = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}
_HTTP_ERRORS: dict[int, type[LastgateError]] = {404: NotFound, 405: MethodNotAllowed}

#: How the pages answer an error (``lastgate.platform.web.edge.page_error``).
PageError = Callable[[Request, LastgateError], Response]


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


def wants_page(request: Request) -> bool:
    """Is this a browser asking for a page? Under ``/web`` always; the API never; any
    other address when the client accepts HTML (``/favicon.ico``, a mistyped path)."""
    path = request.url.path
    if path == "/web" or path.startswith("/web/"):
        return True
    if path == "/v1" or path.startswith("/v1/"):
        return False
    return "text/html" in request.headers.get("accept", "")


def _lastgate_error(exc: Exception) -> Response:
    assert isinstance(exc, LastgateError)
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, NotAuthenticated) else None
    return error_response(status_for(exc), exc.code, exc.message, exc.details, headers)


def _validation_error(exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    details = [
        {
            "path": ".".join(str(part) for part in err.get("loc", ())),
            "reason": str(err.get("msg", "")),
        }
        for err in exc.errors()
    ]
    return error_response(422, InvalidInput.code, "the request is not valid", details)


def _http_error(exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, "HTTP_ERROR")
    return error_response(exc.status_code, code, str(exc.detail), headers=exc.headers)


def _unexpected_error(exc: Exception) -> Response:
    return error_response(500, "INTERNAL_ERROR", "an internal error occurred")


def _as_lastgate(exc: Exception) -> LastgateError:
    """The domain error a page shows for ``exc``."""
    if isinstance(exc, LastgateError):
        return exc
    if isinstance(exc, RequestValidationError):
        return InvalidInput("the request is not valid")
    if isinstance(exc, StarletteHTTPException):
        return _HTTP_ERRORS.get(exc.status_code, LastgateError)(str(exc.detail))
    return InternalError("an internal error occurred")


def install_error_handlers(app: FastAPI, page_error: PageError | None = None) -> None:
    """Register every handler on ``app``; with ``page_error``, a browser asking for a
    page (``wants_page``) gets the error page instead of the JSON body."""

    def handler(answer: Callable[[Exception], Response]) -> Callable[..., Any]:
        async def handle(request: Request, exc: Exception) -> Response:
            if not isinstance(exc, (LastgateError, StarletteHTTPException, RequestValidationError)):
                where = {"event": "http.unhandled_error", "path": request.url.path}
                log.exception("http.unhandled_error", extra=where | {"method": request.method})
            if page_error is not None and wants_page(request):
                response = page_error(request, _as_lastgate(exc))
            else:
                response = answer(exc)
            # A crash is answered outside ``RequestId``, which would have added it.
            current = request_id.get()
            if current is not None:
                response.headers.setdefault("X-Request-ID", current)
            return response

        return handle

    app.add_exception_handler(LastgateError, handler(_lastgate_error))
    app.add_exception_handler(RequestValidationError, handler(_validation_error))
    app.add_exception_handler(StarletteHTTPException, handler(_http_error))
    app.add_exception_handler(Exception, handler(_unexpected_error))
