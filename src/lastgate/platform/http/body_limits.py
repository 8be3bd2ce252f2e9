"""Request bodies are bounded before anything reads them, and uploads are let in only
for a caller who is signed in.

A body whose ``Content-Length`` is over its route's limit is answered 413
``BODY_TOO_LARGE`` at once, unread; one sent without a length (chunked) is counted as it
streams in and cut off, with the same answer, as soon as it passes the limit. The upload
routes have the upload limit; every other route the small ``max_body_bytes``. On an
upload route the caller's credentials (the bearer token, or the session cookie of a form
no other site sent) are checked from the headers alone, before the first
byte of the file is read: FastAPI parses a whole multipart form before any dependency
of the route runs, so the route's own checks would come too late.

A pure ASGI middleware: no body buffering and no thread hop on any request.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lastgate.kernel.errors import LastgateError, NotAuthenticated
from lastgate.platform.http.errors import BodyTooLarge, error_response, status_for

#: Checks a request's credentials from its headers; raises ``NotAuthenticated`` or
#: ``Forbidden`` (the page's CSRF refusal) when they are not good.
Gate = Callable[[Request], None]
#: Verifies a bearer token or session cookie as every route would; raises
#: ``NotAuthenticated`` when it is not good.
TokenCheck = Callable[[str], object]
#: Renders an error as a page, for routes under ``/web``.
PageError = Callable[[Request, LastgateError], Response]


@dataclass(frozen=True, slots=True)
class UploadRoute:
    """A POST route that takes a file: its path, its body limit, and who may send."""

    path: re.Pattern[str]
    max_bytes: int
    gate: Gate


class _Overflow(Exception):
    """Raised into the app from ``receive`` once a streamed body passes its limit."""


class BodyLimits:
    """Refuses oversized bodies unread, and unauthenticated uploads before their body."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body_bytes: int,
        uploads: Sequence[UploadRoute],
        page_error: PageError,
    ) -> None:
        self._app, self._max_body_bytes = app, max_body_bytes
        self._uploads, self._page_error = tuple(uploads), page_error

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        upload = self._upload(scope)
        limit = upload.max_bytes if upload is not None else self._max_body_bytes
        if upload is not None:
            try:  # who sends comes first: a stranger learns nothing of the limits
                upload.gate(Request(scope))
            except LastgateError as refused:
                await self._refuse(scope, receive, send, refused)
                return
        length, chunked = _framing(scope)
        if length is not None and length > limit:
            await self._refuse(scope, receive, send, _too_large(limit))
            return
        if length is None and chunked:
            await self._counted(scope, receive, send, limit)
            return
        # With a Content-Length the server reads no more than it says: nothing to count.
        await self._app(scope, receive, send)

    def _upload(self, scope: Scope) -> UploadRoute | None:
        if scope["method"] != "POST":
            return None
        path = scope["path"]
        return next((u for u in self._uploads if u.path.fullmatch(path)), None)

    async def _counted(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        received, tripped, started = 0, False, False

        async def counting_receive() -> Message:
            nonlocal received, tripped
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    tripped = True
                    raise _Overflow
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if tripped:
                return  # the app's own answer to the cut-off body; ours goes out below
            started = started or message["type"] == "http.response.start"
            await send(message)

        with suppress(_Overflow):  # the app did not catch it: answered below all the same
            await self._app(scope, counting_receive, guarded_send)
        if tripped and not started:
            await self._refuse(scope, receive, send, _too_large(limit))

    async def _refuse(
        self, scope: Scope, receive: Receive, send: Send, error: LastgateError
    ) -> None:
        request = Request(scope)
        if scope["path"] == "/web" or scope["path"].startswith("/web/"):
            response = self._page_error(request, error)
        else:
            headers = (
                {"WWW-Authenticate": "Bearer"} if isinstance(error, NotAuthenticated) else None
            )
            response = error_response(
                status_for(error), error.code, error.message, error.details, headers
            )
        # The body is left unread: the server closes the connection after this answer.
        response.headers["Connection"] = "close"
        await response(scope, receive, send)


def _too_large(limit: int) -> BodyTooLarge:
    return BodyTooLarge(
        f"the request body is larger than {limit} bytes",
        details=[{"path": "body", "reason": "too_large", "max_bytes": str(limit)}],
    )


def _framing(scope: Scope) -> tuple[int | None, bool]:
    """The declared ``Content-Length`` (None if absent) and whether the body is chunked."""
    length: int | None = None
    chunked = False
    for name, value in scope["headers"]:
        if name == b"content-length" and value.isdigit():
            length = int(value)
        elif name == b"transfer-encoding":
            chunked = True
    return length, chunked


def bearer_gate(check_token: TokenCheck) -> Gate:
    """The API's upload gate: an ``Authorization: Bearer`` token that ``check_token``
    accepts."""

    def gate(request: Request) -> None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise NotAuthenticated("missing bearer token in the Authorization header")
        check_token(token.strip())

    return gate
