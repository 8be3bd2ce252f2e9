"""The customer's settings page: the anti-phishing code, the authenticator app (set up
and confirmed), and lifting their own freeze with it. On a closed account each is
refused (``AccountClosed``), which sends the customer to the closed account's page."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form
from fastapi.responses import Response

from lastgate.closure.model.verification import (
    REUSED_CODE,
    TYPED_CODE,
    TotpEnrolment,
    lifts_freeze_from,
)
from lastgate.closure.service import freeze, step_up
from lastgate.closure.service.closed import open_account
from lastgate.closure.service.steps import protected
from lastgate.closure.service.workflow import Workflow
from lastgate.kernel.errors import VerificationFailed, VerificationLocked
from lastgate.notices.adapters import preferences
from lastgate.platform.web.pages import CustomerPage, Page, PageRoute, see_other

router = APIRouter(prefix="/web", route_class=PageRoute, include_in_schema=False)


def refused_try(exc: VerificationFailed | VerificationLocked) -> dict[str, str]:
    """What the page says after a refused try: that it failed, or that the code was used
    already (the tries left and a lock are read from the account, never from the
    address)."""
    state = {"failed": "1"}
    for detail in exc.details:
        if detail.get("reason") == REUSED_CODE:
            state["reused"] = "1"  # no try was counted: the page says to wait for the next
    return state


def _settings(
    page: Page,
    enrolment: TotpEnrolment | None = None,
    *,
    failed: bool = False,
    reused: bool = False,
) -> Response:
    uid = page.me.subject
    open_account(page.service(Workflow), page.me, uid)
    with page.service(Workflow).unit_of_work() as uow:
        own_freeze = uow.freezes.active(uid, freeze.CUSTOMER_FREEZE)
        is_protected = protected(uow, uid)
        options = uow.step_up.verification_options(uid)
    return page.render(
        "customer/settings.html",
        anti_phishing=preferences.read_anti_phishing_code(page.context.engine, page.me, uid),
        enrolment=enrolment,
        authenticator_since=options.authenticator_since,
        authenticator_usable_from=options.authenticator_usable_from,
        frozen=own_freeze is not None,
        # the later of the freeze's own end and an authenticator's coming of age
        unfreeze_after=None if own_freeze is None else lifts_freeze_from(own_freeze[1], options),
        protected=is_protected,
        failed=failed,
        reused=reused,
        tries_left=options.tries_left,
        locked_until=options.locked_until,
        locked_for_good=options.locked_for_good,
    )


@router.get("/me/settings")
def settings_page(
    page: CustomerPage,
    failed: bool = False,
    reused: bool = False,
) -> Response:
    """The settings; after a refused unfreeze, the tries left and a lock, read from the
    account (the closure's wrong codes count too), or that the code was already used."""
    return _settings(page, failed=failed, reused=reused)


@router.post("/me/unfreeze")
def unfreeze(
    page: CustomerPage, code: Annotated[str, Form(min_length=6, max_length=16, pattern=TYPED_CODE)]
) -> Response:
    """Lift the customer's own freeze with their authenticator, after the policy's delay;
    a wrong code comes back to the settings with the tries left."""
    try:
        freeze.unfreeze(page.service(Workflow), page.me, page.me.subject, code)
    except (VerificationFailed, VerificationLocked) as exc:
        return see_other(f"/web/me/settings?{urlencode(refused_try(exc))}#frozen")
    return see_other("/web/me/settings?done=unfrozen")


@router.post("/me/anti-phishing-code")
def set_anti_phishing_code(
    page: CustomerPage, code: Annotated[str, Form(min_length=1, max_length=20)]
) -> Response:
    preferences.set_anti_phishing_code(
        page.context.engine, page.context.clock, page.me, page.me.subject, code
    )
    return see_other("/web/me/settings?done=saved")


@router.get("/me/authenticator")
def authenticator_setup(page: CustomerPage) -> Response:
    """The authenticator being set up: its QR code and key, read back from the pending
    enrolment, so a reload or Back shows the same key the phone may have scanned already,
    and the form that confirms it. With none pending (never asked for, or confirmed),
    the settings' section, where the app is set up or shown as set up."""
    enrolment = step_up.pending_totp(
        page.service(Workflow).unit_of_work(), page.me, page.me.subject
    )
    if enrolment is None:
        return see_other("/web/me/settings#totp")
    return _settings(page, enrolment)


@router.post("/me/authenticator")
def enrol_authenticator(page: CustomerPage) -> Response:
    """A new authenticator secret (replacing one not yet confirmed), then its set-up page:
    only this form makes a new one, never opening that page again."""
    step_up.enroll_totp(page.service(Workflow).unit_of_work(), page.me, page.me.subject)
    return see_other("/web/me/authenticator")


@router.post("/me/authenticator/confirm")
def confirm_authenticator(
    page: CustomerPage, code: Annotated[str, Form(min_length=6, max_length=16, pattern=TYPED_CODE)]
) -> Response:
    step_up.confirm_totp(page.service(Workflow).unit_of_work(), page.me, page.me.subject, code)
    return see_other("/web/me/settings?done=authenticator")
