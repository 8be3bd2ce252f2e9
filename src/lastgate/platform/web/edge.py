"""What the pages need from the guards in front of the app (body limits, rate limits):
the upload gate of a page form, and error pages answered before any route runs."""

from __future__ import annotations

import hmac

from starlette.requests import Request
from starlette.responses import Response

from lastgate.kernel.errors import LastgateError, NotAuthenticated
from lastgate.kernel.settings import Settings
from lastgate.platform.http.body_limits import Gate, TokenCheck
from lastgate.platform.http.errors import status_for
from lastgate.platform.web.pages import (
    CSRF_FIELD,
    SESSION_COOKIE,
    CsrfRefused,
    SessionEnded,
    csrf_token,
    error_page,
    signed_out,
)


def page_upload_gate(settings: Settings, check_token: TokenCheck) -> Gate:
    """A page's upload gate: a session cookie that ``check_token`` accepts, and this
    session's CSRF token in the form's address (``?csrf=``), since the hidden field
    comes inside the body."""

    def gate(request: Request) -> None:
        session = request.cookies.get(SESSION_COOKIE)
        if not session:
            if request.query_params.get(CSRF_FIELD):  # the form of a session that ended
                raise SessionEnded("the session this form was sent from has ended")
            raise NotAuthenticated("sign in first")
        check_token(session)
        expected = csrf_token(settings.jwt_secret.get_secret_value(), session)
        if not hmac.compare_digest(request.query_params.get(CSRF_FIELD, ""), expected):
            raise CsrfRefused("the form is stale or was not sent by lastgate's page; reload it")

    return gate


def page_error(request: Request, error: LastgateError) -> Response:
    """The answer a page route would give: sign-in for 401, else the error page."""
    if isinstance(error, NotAuthenticated):
        return signed_out(request, ended=isinstance(error, SessionEnded))
    return error_page(request, error, status_for(error))
