"""The demo's sign-in page: pick a demo customer or staff member (``demo_login`` setting),
its demo clock: end a cooling-off now, or the waiting period after a security change, and
its exchange: a deposit on its way arrives, an asset is withdrawn (``demo.exchange``), so
that every journey can be walked to its end.

Every route here answers 404 unless ``demo_login`` is on (``_demo_only``, the router's
first dependency, before sign-in or the form's CSRF token are looked at); a production
start refuses that setting (``kernel.settings.unsafe_for_production``).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import Response

from lastgate.closure.service.demo_clock import cooling_off_requests, end_cooling_off_now
from lastgate.closure.service.workflow import Workflow
from lastgate.demo import exchange
from lastgate.demo.customers import demo_descriptions
from lastgate.demo.mailbox import letters_for
from lastgate.eligibility.model.report import Evidence
from lastgate.eligibility.service import Eligibility
from lastgate.kernel.access import Principal, Role
from lastgate.kernel.errors import AccountClosed, NotFound
from lastgate.platform.auth_tokens import issue_token
from lastgate.platform.http.deps import Context
from lastgate.platform.web.pages import (
    AnyPage,
    CustomerPage,
    PageRoute,
    gettext_for,
    local_path,
    see_other,
)
from lastgate.platform.web.session import keep_next, signed_in


def _demo_only(context: Context) -> None:
    if not context.settings.demo_login:
        raise NotFound("demo sign-in is off")


router = APIRouter(
    prefix="/web",
    route_class=PageRoute,
    include_in_schema=False,
    dependencies=[Depends(_demo_only)],
)

#: A demo session lasts this long, or its role's cap if shorter.
DEMO_TOKEN_TTL = timedelta(hours=12)
DEMO_STAFF = (
    ("agent-ada", Role.AGENT),
    ("agent-bo", Role.AGENT),
    ("compliance-cy", Role.COMPLIANCE),
    ("compliance-di", Role.COMPLIANCE),
)


@router.get("/demo-login")
def demo_login(page: AnyPage) -> Response:
    """Pick a demo customer or staff member (only with the ``demo_login`` setting);
    ``?next=`` (a page of this site only) is where signing in leads, as on the sign-in
    page. The demo clock lists the cooling-off periods the signed-in person may end, and a
    signed-in customer's waiting period after a security change."""
    _ = gettext_for(page.language)
    customers = {uid: _(text) for uid, text in demo_descriptions().items()}
    cooling = (
        [] if page.principal is None else cooling_off_requests(page.service(Workflow), page.me)
    )
    on_the_exchange = _on_the_exchange(page)
    response = page.render(
        "demo_login.html",
        customers=customers,
        staff=DEMO_STAFF,
        roles=list(Role),
        cooling=cooling,
        exchange=on_the_exchange,
        security_wait_ends=exchange.wait_ends(on_the_exchange["security"]),
    )
    return keep_next(page.request, response, local_path(page.request.query_params.get("next")))


def _on_the_exchange(page: AnyPage) -> dict[str, list[Evidence]]:
    """What a signed-in customer would do on the exchange itself, or wait for there: the
    deposits on their way, the balances above the dust line and the recent security
    changes, as the self-check's checks list them."""
    nothing: dict[str, list[Evidence]] = {what: [] for what in exchange.ACTS_ON}
    if page.principal is None or page.me.is_staff:
        return nothing
    try:
        return exchange.to_do(page.service(Eligibility).customer_report(page.me, page.me.subject))
    except AccountClosed:  # a closed account has nothing left to do: the page is still open
        return nothing


@router.get("/demo-login/mailbox")
def demo_mailbox(page: CustomerPage) -> Response:
    """What the demo would have sent the signed-in customer (``demo.mailbox``)."""
    settings = page.context.settings
    letters = letters_for(page.context.engine, settings.mailbox_dir, page.me.subject)
    return page.render("demo_mailbox.html", letters=letters)


@router.post("/demo-login/exchange/deposits-arrive")
def deposits_arrive(page: CustomerPage) -> Response:
    """The customer's deposits on their way arrive now (the demo's exchange)."""
    landed = exchange.land_deposits(page.context.engine, page.me.subject, page.context.clock())
    done = "demo_deposit_arrived" if landed == 1 else "demo_deposits_arrived"
    return see_other(f"/web/me?done={done}")


@router.post("/demo-login/exchange/withdraw")
def withdraw_assets(page: CustomerPage) -> Response:
    """The customer withdraws every balance above the dust line to their own wallet."""
    assets = _on_the_exchange(page)["assets"]
    keys = [(e["account_type"], e["asset"]) for e in assets]
    exchange.withdraw(page.context.engine, page.me.subject, keys, page.context.clock())
    return see_other("/web/me?done=demo_withdrawn")


@router.post("/demo-login/clock/security-wait-passes")
def security_wait_passes(page: CustomerPage) -> Response:
    """The waiting period after the customer's recent security changes passes now."""
    changes = _on_the_exchange(page)["security"]
    exchange.let_security_wait_pass(
        page.context.engine, page.me.subject, changes, page.context.clock()
    )
    return see_other("/web/me?done=demo_security_wait_passed")


@router.post("/demo-login")
def demo_login_as(
    page: AnyPage,
    request: Request,
    subject: Annotated[str, Form(pattern=r"^[A-Za-z0-9_.:-]{1,64}$")],
    role: Annotated[Role, Form()],
) -> Response:
    settings, now = page.context.settings, page.context.clock()
    ttl = min(DEMO_TOKEN_TTL, settings.token_lifetime_cap(role))
    token = issue_token(settings, subject, role, ttl, now)
    return signed_in(request, token, Principal(subject, role))


@router.post("/demo-login/cooling-off/{request_id}/end")
def end_cooling_off(
    page: AnyPage, request_id: Annotated[str, Path(min_length=36, max_length=36)]
) -> Response:
    """End a cooling-off now (the account holder, or staff): the demo's worker then
    closes the account on its next pass. The customer lands on their request's page,
    which says it is being closed; staff come back to the demo clock."""
    after = end_cooling_off_now(page.service(Workflow), page.me, request_id)
    if page.me.is_staff:
        return see_other("/web/demo-login?done=cooling_off_ended#demo-clock")
    return see_other(f"/web/closure/{after.id}")
