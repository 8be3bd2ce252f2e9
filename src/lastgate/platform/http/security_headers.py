"""Security headers on every answer: no MIME sniffing, no referrer leaking a closure id
to another site (the pages send theirs to lastgate only, so a form's error can lead back
to the form's page; the API sends none), a strict Content-Security-Policy on the pages,
and HSTS once the request came over TLS.

A pure ASGI middleware, so it adds no thread hop and no body buffering to any request.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: The pages load only their own stylesheet and script; nothing inline, no frames, and
#: forms post only to lastgate itself.
PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
#: Two years, the preload list's minimum; sent only on HTTPS, as RFC 6797 requires.
HSTS = "max-age=63072000; includeSubDomains"
_ALWAYS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
)


def headers_for(path: str, scheme: str) -> list[tuple[bytes, bytes]]:
    """The headers an answer to ``path`` over ``scheme`` carries."""
    headers = list(_ALWAYS)
    if path == "/web" or path.startswith("/web/"):
        headers.append((b"content-security-policy", PAGE_POLICY.encode()))
        headers.append((b"referrer-policy", b"same-origin"))
    else:
        headers.append((b"referrer-policy", b"no-referrer"))
    if scheme == "https":
        headers.append((b"strict-transport-security", HSTS.encode()))
    return headers


class SecurityHeaders:
    """Adds ``headers_for`` to each HTTP response start, keeping any the app set itself."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        extra = headers_for(scope["path"], scope.get("scheme", "http"))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                _add(message, extra)
            await send(message)

        await self._app(scope, receive, send_with_headers)


def _add(message: MutableMapping[str, Any], extra: list[tuple[bytes, bytes]]) -> None:
    headers: list[tuple[bytes, bytes]] = list(message.get("headers", []))
    present = {name.lower() for name, _ in headers}
    headers.extend((name, value) for name, value in extra if name not in present)
    message["headers"] = headers
