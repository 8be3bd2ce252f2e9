"""What the pages need from the guards in front of the app (body limits, rate limits):
the upload gate of a page form, and error pages answered before any route runs."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response

from lastgate.kernel.errors import LastgateError, NotAuthenticated
from lastgate.kernel.settings import Settings
from lastgate.platform.http.body_limits import Gate, TokenCheck
from lastgate.platform.http.errors import status_for
from lastgate.platform.web.pages import (
    SESSION_COOKIE,
    CsrfRefused,
    SessionEnded,
    error_page,
    signed_out,
)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def sent_from_our_page(request: Request, public_base_url: str) -> bool | None:
    """Whether the browser says a page of lastgate's own origin sent this request: its
    fetch metadata (``Sec-Fetch-Site``, sent by every current browser), else its
    ``Origin`` (this server's own, or the public address customers reach). None: no
    browser said (a script or a test client, which a cross-site form never is)."""
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site == "same-origin"
    origin = request.headers.get("origin")
    if origin is None:
        return None
    return origin.lower() in (_origin(str(request.base_url)), _origin(public_base_url))


def page_upload_gate(settings: Settings, check_token: TokenCheck) -> Gate:
    """A page's upload gate, from the headers alone: a form another site's page sent is
    refused, then a session cookie that ``check_token`` accepts is required. The form's
    CSRF token travels in its body, as every form's does, and the route checks it once
    the body is in; the address carries no secret (it would reach access logs)."""

    def gate(request: Request) -> None:
        ours = sent_from_our_page(request, settings.public_base_url)
        if ours is False:
            raise CsrfRefused("the form was not sent by lastgate's page; reload it")
        session = request.cookies.get(SESSION_COOKIE)
        if not session:
            if ours:  # a form of one of our signed-in pages, its session gone since
                raise SessionEnded("the session this form was sent from has ended")
            raise NotAuthenticated("sign in first")
        check_token(session)

    return gate


def page_error(request: Request, error: LastgateError) -> Response:
    """The answer a page route would give: sign-in for 401, else the error page."""
    if isinstance(error, NotAuthenticated):
        return signed_out(request, ended=isinstance(error, SessionEnded))
    return error_page(request, error, status_for(error))
