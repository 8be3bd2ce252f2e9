"""The request id: taken from ``X-Request-ID`` when it is sound (printable ASCII, at most
64 characters), else a fresh uuid4 hex; set for the request's logs
(``platform.logs.request_id``) and returned in the response's ``X-Request-ID`` — a
crash's answer too, which ``platform.http.errors`` gives outside this middleware.

A pure ASGI middleware; it also logs one ``http.request`` event per request (method,
route template, status, duration), never the query string or a body.
"""

from __future__ import annotations

import logging
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lastgate.platform.logs import request_id

HEADER = b"x-request-id"
MAX_LENGTH = 64
log = logging.getLogger("lastgate.http")


def sound(value: str) -> bool:
    """May ``value`` be used as a request id as given?"""
    return 0 < len(value) <= MAX_LENGTH and all(" " <= ch <= "~" for ch in value)


def _given(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name.lower() == HEADER:
            text = value.decode("latin-1").strip()
            return text if sound(text) else None
    return None


class RequestId:
    """Sets the request id for the request's logs and answers with it."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        rid = _given(scope) or uuid.uuid4().hex
        token = request_id.set(rid)
        status = [500]  # what an exception escaping the app becomes

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != HEADER]
                message["headers"] = [*headers, (HEADER, rid.encode("latin-1"))]
            await send(message)

        started = time.perf_counter()
        crashed = False
        try:
            await self._app(scope, receive, send_with_id)
        except Exception:
            # Answered outside this middleware (Starlette's server-error handler is the
            # outermost), whose log line and page must still name this request: the id
            # stays set for the rest of the request's task.
            crashed = True
            raise
        finally:
            route = getattr(scope.get("route"), "path", None) or "(unmatched)"
            log.info(
                "http.request",
                extra={
                    "event": "http.request",
                    "method": scope["method"],
                    "route": route,
                    "status": status[0],
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            if not crashed:
                request_id.reset(token)
