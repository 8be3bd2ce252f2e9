"""The demo's sign-in page: pick a demo customer or staff member (``demo_login`` setting)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from lastgate.demo.customers import demo_descriptions
from lastgate.kernel.access import Principal, Role
from lastgate.kernel.errors import NotFound
from lastgate.platform.auth_tokens import issue_token
from lastgate.platform.web.pages import AnyPage, PageRoute, gettext_for, local_path
from lastgate.platform.web.session import keep_next, signed_in

router = APIRouter(prefix="/web", route_class=PageRoute, include_in_schema=False)

#: A demo session lasts this long, or its role's cap if shorter.
DEMO_TOKEN_TTL = timedelta(hours=12)
DEMO_STAFF = (
    ("agent-ada", Role.AGENT),
    ("agent-bo", Role.AGENT),
    ("compliance-cy", Role.COMPLIANCE),
    ("compliance-di", Role.COMPLIANCE),
)


def _demo_enabled(page: AnyPage) -> None:
    if not page.context.settings.demo_login:
        raise NotFound("demo sign-in is off")


@router.get("/demo-login")
def demo_login(page: AnyPage) -> Response:
    """Pick a demo customer or staff member (only with the ``demo_login`` setting);
    ``?next=`` (a page of this site only) is where signing in leads, as on the sign-in
    page."""
    _demo_enabled(page)
    _ = gettext_for(page.language)
    customers = {uid: _(text) for uid, text in demo_descriptions().items()}
    response = page.render(
        "demo_login.html", customers=customers, staff=DEMO_STAFF, roles=list(Role)
    )
    return keep_next(page.request, response, local_path(page.request.query_params.get("next")))


@router.post("/demo-login")
def demo_login_as(
    page: AnyPage,
    request: Request,
    subject: Annotated[str, Form(pattern=r"^[A-Za-z0-9_.:-]{1,64}$")],
    role: Annotated[Role, Form()],
) -> Response:
    _demo_enabled(page)
    settings, now = page.context.settings, page.context.clock()
    ttl = min(DEMO_TOKEN_TTL, settings.token_lifetime_cap(role))
    token = issue_token(settings, subject, role, ttl, now)
    return signed_in(request, token, Principal(subject, role))
