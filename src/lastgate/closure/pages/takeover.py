"""The page for a customer who fears someone else is in their account (a password or an
authenticator they did not change, as the security cooldown's card asks): what freezing
it to protect it does, the button that does it with nothing but the customer's own
signed-in session (no authenticator code: whoever changed it may hold it), once
frozen, what happens next and how the freeze is lifted, and once the security team has
lifted it, when, whether another freeze still holds the account, and what to do now.

A form post like every other page's (CSRF checked, counted by the rate limits, refused
to anyone not signed in as the account holder); freezing twice changes nothing."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from lastgate.closure.model.freezes import PROTECTIVE_FREEZE, freeze_left
from lastgate.closure.service.closed import open_account
from lastgate.closure.service.protective_freeze import report_takeover
from lastgate.closure.service.steps import protected
from lastgate.closure.service.workflow import Workflow
from lastgate.platform.web.pages import CustomerPage, PageRoute, see_other

router = APIRouter(prefix="/web", route_class=PageRoute, include_in_schema=False)
#: Where the security team is written to, its topic chosen (``desk.model.tickets``).
SECURITY_TICKET = "/web/tickets?category=account_takeover#new"


@router.get("/me/secure")
def secure_page(page: CustomerPage) -> Response:
    """Before: what the freeze does and how it is lifted, and the button. After (or if
    frozen to protect it already): that it is frozen, what happens next, how it ends.
    Lifted: since when, what still freezes the account (``freeze_left``, in the words of
    the ``protective_freeze_lifted`` notice) and what to do now, above the same offer,
    should it happen again."""
    wf, uid = page.service(Workflow), page.me.subject
    open_account(wf, page.me, uid)
    with wf.unit_of_work() as uow:
        is_protected = protected(uow, uid)
        lifted_at = None if is_protected else uow.freezes.last_lifted(uid, PROTECTIVE_FREEZE)
        left = freeze_left(uow.freezes.active_causes(uid)) if lifted_at else None
    return page.render(
        "customer/secure.html",
        protected=is_protected,
        lifted_at=lifted_at,
        freeze_left=left,
        ticket=SECURITY_TICKET,
    )


@router.post("/me/secure")
def secure(page: CustomerPage) -> Response:
    report_takeover(page.service(Workflow), page.me, page.me.subject)
    return see_other("/web/me/secure?done=protected#next")
