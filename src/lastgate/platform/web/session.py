"""Signing in and out of the pages.

In production the exchange's login hands over a signed bearer token (``/web/session``);
in the demo (``demo_login`` setting) a page lists demo customers and staff to pick from.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from lastgate.kernel.access import Principal, Role
from lastgate.kernel.errors import NotFound
from lastgate.platform.auth_tokens import issue_token, verify_token
from lastgate.platform.http.deps import Context
from lastgate.platform.web.pages import (
    ANON_COOKIE,
    SESSION_COOKIE,
    AnyPage,
    PageRoute,
    see_other,
    set_cookie,
)

router = APIRouter(prefix="/web", route_class=PageRoute, include_in_schema=False)

DEMO_TOKEN_TTL = timedelta(hours=12)
DEMO_STAFF = (
    ("agent-ada", Role.AGENT),
    ("agent-bo", Role.AGENT),
    ("compliance-cy", Role.COMPLIANCE),
    ("compliance-di", Role.COMPLIANCE),
)
HOME = {
    Role.CUSTOMER: "/web/me",
    Role.AGENT: "/web/agent",
    Role.COMPLIANCE: "/web/compliance",
}


def _signed_in(request: Request, token: str, principal: Principal) -> Response:
    response = see_other(HOME[principal.role])
    set_cookie(request, response, SESSION_COOKIE, token)
    response.delete_cookie(ANON_COOKIE, path="/web")
    return response


@router.get("")
def home(page: AnyPage) -> Response:
    """Each person's own start page, or the sign-in page."""
    if page.principal is None:
        return see_other("/web/sign-in")
    return see_other(HOME[page.principal.role])


@router.get("/sign-in")
def sign_in(page: AnyPage) -> Response:
    return page.render("sign_in.html")


@router.get("/session")
def session_from_link(token: str, request: Request, context: Context) -> Response:
    """The exchange's login redirects here with a fresh token in ``?token=``."""
    principal = verify_token(context.settings, token, context.clock())
    return _signed_in(request, token, principal)


@router.post("/session")
def session_from_form(
    token: Annotated[str, Form(max_length=4096)], request: Request, context: Context
) -> Response:
    """The exchange's login POSTs the token (keeps it out of URLs and logs). The token is
    the proof here, so this form alone carries no CSRF field."""
    principal = verify_token(context.settings, token, context.clock())
    return _signed_in(request, token, principal)


def _demo_enabled(page: AnyPage) -> None:
    if not page.context.settings.demo_login:
        raise NotFound("demo sign-in is off")


@router.get("/demo-login")
def demo_login(page: AnyPage) -> Response:
    """Pick a demo customer or staff member (only with the ``demo_login`` setting)."""
    _demo_enabled(page)
    from lastgate.demo.customers import demo_descriptions

    return page.render(
        "demo_login.html", customers=demo_descriptions(), staff=DEMO_STAFF, roles=list(Role)
    )


@router.post("/demo-login")
def demo_login_as(
    page: AnyPage,
    request: Request,
    subject: Annotated[str, Form(pattern=r"^[A-Za-z0-9_.:-]{1,64}$")],
    role: Annotated[Role, Form()],
) -> Response:
    _demo_enabled(page)
    settings, now = page.context.settings, page.context.clock()
    token = issue_token(settings, subject, role, DEMO_TOKEN_TTL, now)
    return _signed_in(request, token, Principal(subject, role))


@router.post("/sign-out")
def sign_out(page: AnyPage) -> RedirectResponse:
    response = see_other("/web/sign-in")
    response.delete_cookie(SESSION_COOKIE, path="/web")
    return response
