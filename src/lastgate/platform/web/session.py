"""Signing in and out of the pages.

In production the exchange's login hands over a signed bearer token (``/web/session``);
in the demo (``demo_login`` setting) ``lastgate.demo.pages`` signs in whom you pick.
"""

from __future__ import annotations

from contextlib import suppress
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from lastgate.kernel.access import Principal, Role
from lastgate.kernel.errors import NotAuthenticated
from lastgate.platform import token_revocation
from lastgate.platform.auth_tokens import read_token
from lastgate.platform.http.deps import Context, authenticate
from lastgate.platform.web.pages import (
    ANON_COOKIE,
    SESSION_COOKIE,
    AnyPage,
    PageRoute,
    see_other,
    set_cookie,
    signed_out,
)

router = APIRouter(prefix="/web", route_class=PageRoute, include_in_schema=False)

HOME = {
    Role.CUSTOMER: "/web/me",
    Role.AGENT: "/web/agent",
    Role.COMPLIANCE: "/web/compliance",
}


def signed_in(request: Request, token: str, principal: Principal) -> Response:
    response = see_other(HOME[principal.role])
    set_cookie(request, response, SESSION_COOKIE, token)
    response.delete_cookie(ANON_COOKIE, path="/web")
    return response


@router.get("")
def home(page: AnyPage) -> Response:
    """Each person's own start page, or the sign-in page."""
    if page.principal is None:
        return signed_out(page.request)  # says so when a session has ended
    return see_other(HOME[page.principal.role])


@router.get("/sign-in")
def sign_in(page: AnyPage) -> Response:
    """The sign-in page; ``?ended=1`` (an expired session sent here) says so."""
    return page.render("sign_in.html", ended=page.request.query_params.get("ended") == "1")


@router.get("/session")
def session_from_link(token: str, request: Request, context: Context) -> Response:
    """The exchange's login redirects here with a fresh token in ``?token=``."""
    principal = authenticate(context, token).principal
    return signed_in(request, token, principal)


@router.post("/session")
def session_from_form(
    token: Annotated[str, Form(max_length=4096)], request: Request, context: Context
) -> Response:
    """The exchange's login POSTs the token (keeps it out of URLs and logs). The token is
    the proof here, so this form alone carries no CSRF field."""
    principal = authenticate(context, token).principal
    return signed_in(request, token, principal)


@router.post("/sign-out")
def sign_out(page: AnyPage, context: Context) -> RedirectResponse:
    """Revoke the session's token, so a copy of the cookie opens nothing, then drop it."""
    token = page.request.cookies.get(SESSION_COOKIE)
    # An expired or forged token has nothing left to revoke.
    with suppress(NotAuthenticated):
        verified = read_token(context.settings, token or "", context.clock())
        token_revocation.revoke(context.engine, verified, context.clock())
    response = see_other("/web/sign-in")
    response.delete_cookie(SESSION_COOKIE, path="/web")
    return response
