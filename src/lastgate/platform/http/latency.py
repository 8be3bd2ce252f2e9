"""HTTP request latency per route, for the Prometheus histogram
``lastgate_http_request_duration_seconds`` (docs/operations.md).

A pure ASGI middleware: no thread hop, no body buffering, one clock read either side.
Requests are labelled by the matched route's path template (``/v1/accounts/{uid}/…``),
never the raw path, so the number of series stays bounded; a request no route matched
(a 404, or one a guard refused before routing) is labelled ``(unmatched)``, and an
unusual method ``OTHER``.
"""

from __future__ import annotations

import time

from prometheus_client import Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

UNMATCHED = "(unmatched)"
#: The method is the client's to choose; any other is counted as ``OTHER``, so that a
#: client cannot make new series.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class RequestLatency:
    """Observes each HTTP request's duration, labelled method, route template and status
    class (``2xx``…``5xx``)."""

    def __init__(self, app: ASGIApp, histogram: Histogram) -> None:
        self._app = app
        self._histogram = histogram
        # ``labels()`` takes a lock and builds a key each time; the children are few.
        self._children: dict[tuple[str, str, int], Histogram] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        status = [500]  # what an exception escaping the app becomes

        async def send_noting_status(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        started = time.perf_counter()
        try:
            await self._app(scope, receive, send_noting_status)
        finally:
            # The router put the matched route into this same scope dict.
            elapsed = time.perf_counter() - started
            route = scope.get("route")
            template = getattr(route, "path", None) or UNMATCHED
            method = scope["method"] if scope["method"] in METHODS else "OTHER"
            key = (method, template, status[0] // 100)
            child = self._children.get(key)
            if child is None:
                child = self._histogram.labels(key[0], template, f"{key[2]}xx")
                self._children[key] = child
            child.observe(elapsed)
