"""Signing in and out of the pages.

In production the exchange's login hands over a signed bearer token (``/web/session``);
in the demo (``demo_login`` setting) ``lastgate.demo.pages`` signs in whom you pick.
"""

from __future__ import annotations

from contextlib import suppress
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from lastgate.kernel.access import Principal
from lastgate.kernel.errors import NotAuthenticated
from lastgate.platform import token_revocation
from lastgate.platform.auth_tokens import read_token
from lastgate.platform.http.deps import ApiContext, Context, authenticate, context_of
from lastgate.platform.web.language_memory import remember_language
from lastgate.platform.web.pages import (
    ANON_COOKIE,
    HOME,
    SESSION_COOKIE,
    AnyPage,
    PageRoute,
    any_page,
    local_path,
    page_language,
    see_other,
    set_cookie,
    signed_out,
)

router = APIRouter(prefix="/web", route_class=PageRoute, include_in_schema=False)

#: The page to come back to after signing in, kept from the sign-in page's ``?next=``
#: through whichever login (the exchange's, the demo's) until ``signed_in``.
NEXT_COOKIE = "lastgate_next"


def signed_in(request: Request, token: str, principal: Principal) -> Response:
    """To the page the ended session was on (``NEXT_COOKIE``), else the start page."""
    back = local_path(request.cookies.get(NEXT_COOKIE))
    response = see_other(back or HOME[principal.role])
    set_cookie(request, response, SESSION_COOKIE, token)
    response.delete_cookie(ANON_COOKIE, path="/web")
    context = context_of(request)  # the language signed in with: the customer's now
    remember_language(context, principal, page_language(request, context))
    response.delete_cookie(NEXT_COOKIE, path="/web")
    return response


@router.get("")
def home(page: AnyPage) -> Response:
    """Each person's own start page, or the sign-in page."""
    if page.principal is None:
        return signed_out(page.request)  # says so when a session has ended
    return see_other(HOME[page.principal.role])


@router.get("/sign-in")
def sign_in(page: AnyPage) -> Response:
    """The sign-in page; ``?ended=1`` (an expired session sent here) says so, and
    ``?next=`` (a page of this site only, ``local_path``) is where signing in leads."""
    query = page.request.query_params
    back = local_path(query.get("next"))
    response = page.render("sign_in.html", ended=query.get("ended") == "1", next=back)
    return keep_next(page.request, response, back)


def keep_next(request: Request, response: Response, back: str | None) -> Response:
    """Remember ``back`` (a ``local_path``, or None) as the page ``signed_in`` leads to:
    the sign-in page's and the demo sign-in's one rule for ``?next=``."""
    if back:
        set_cookie(request, response, NEXT_COOKIE, back, max_age=3600)
    return response


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


def _revoke(context: ApiContext, token: str) -> None:
    # An expired or forged token has nothing left to revoke.
    with suppress(NotAuthenticated):
        verified = read_token(context.settings, token, context.clock())
        token_revocation.revoke(context.engine, verified, context.clock())


@router.post("/sign-out")
async def sign_out(request: Request, context: Context) -> RedirectResponse:
    """Revoke the session's token, so a copy of the cookie opens nothing, then drop it.
    With no session left (signed out in another tab) there is nothing to revoke or to
    protect: the sign-in page, as after signing out."""
    if token := request.cookies.get(SESSION_COOKIE):
        await any_page(request, context)  # this session's CSRF token, or refused
        await run_in_threadpool(_revoke, context, token)
    response = see_other("/web/sign-in")
    response.delete_cookie(SESSION_COOKIE, path="/web")
    return response
