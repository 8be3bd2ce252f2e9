"""The compliance console: place holds, lift them with a second officer (four eyes),
the history of lifted holds, protective freezes and their lifting, the open AML
investigations, the desk's tickets handed to compliance, the audit-chain status and the
retention schedule.

Placing a hold and a protective freeze act at once, so each form has a required "I
confirm" box the server checks too. A form naming a UID no customer has (or a closed
account), or sent without the box ticked, comes back filled in as it was sent, with what
went wrong in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from fastapi import APIRouter, Form, Path
from fastapi.responses import Response

from lastgate.closure.adapters import console as console_reads
from lastgate.closure.adapters import staff_reads
from lastgate.closure.model.staff_actions import hold_actions
from lastgate.closure.service import protective_freeze as protection
from lastgate.closure.service import workflow as closure
from lastgate.closure.service.workflow import Workflow
from lastgate.desk.model.tickets import COMPLIANCE_QUEUE
from lastgate.desk.service import desk as desk_tickets
from lastgate.erasure.adapters import console as erasure_reads
from lastgate.kernel.errors import AccountClosed, AccountNotFound, AlreadyFrozen
from lastgate.kernel.messages import N_
from lastgate.ledger.model import HoldKind
from lastgate.platform.web.pages import CompliancePage, Page, PageRoute, gettext_for, see_other

router = APIRouter(prefix="/web/compliance", route_class=PageRoute, include_in_schema=False)

Text = Annotated[str, Form(min_length=1, max_length=2000)]
Uid = Annotated[str, Form(pattern=r"^[A-Za-z0-9_.:-]{1,64}$")]
#: How many lifted holds the history shows, most recent first.
HISTORY_SHOWN = 50
#: Why a console form was refused, for the reader; the form comes back as it was sent.
REFUSED = {
    AccountNotFound: N_("No customer has the UID {uid}. Check the UID and send the form again."),
    AccountClosed: N_("The account {uid} is closed: nothing more can be placed on it."),
    AlreadyFrozen: N_("The account {uid} is under a protective freeze already."),
}
#: A hold and a protective freeze act at once: the form's "I confirm" box must be ticked.
NOT_CONFIRMED = N_("Nothing was done: tick “I confirm” to go ahead.")
Confirm = Annotated[str, Form(max_length=8)]


@dataclass(frozen=True, slots=True)
class Refused:
    """A console form sent back: which one, what was typed, and why."""

    form: str  # "hold" or "protective"
    message: str
    values: dict[str, str] = field(default_factory=dict)


def _console(page: Page, status: int = 200, refused: Refused | None = None) -> Response:
    engine = page.context.engine
    me = page.me.subject
    holds = staff_reads.holds(engine, lifted=False)
    return page.render(
        "compliance/console.html",
        status=status,
        holds=[(h, hold_actions(lifted=False, requested_by=h.requested_by, me=me)) for h in holds],
        lifted=staff_reads.holds(engine, lifted=True, limit=HISTORY_SHOWN),
        protective=console_reads.protective_freezes(engine),
        protective_lifted=staff_reads.lifted_protective_freezes(engine, HISTORY_SHOWN),
        investigations=[h for h in holds if h.kind == HoldKind.AML_INVESTIGATION.value],
        overrides=console_reads.awaiting_second_approval(engine),
        tickets=desk_tickets.staff_queue(
            page.service(desk_tickets.Desk), page.me, queue=COMPLIANCE_QUEUE
        ),
        kinds=list(HoldKind),
        chain=console_reads.chain_status(engine),
        retention=erasure_reads.retention_schedule(engine),
        refused=refused,
    )


def _refused(page: Page, form: str, error: Exception, **values: str) -> Response:
    text = next(msg for kind, msg in REFUSED.items() if isinstance(error, kind))
    message = gettext_for(page.language)(text, uid=values.get("uid", ""))
    status = 404 if isinstance(error, AccountNotFound) else 409
    return _console(page, status, Refused(form, message, values))


def _unconfirmed(page: Page, form: str, **values: str) -> Response:
    """The form back as it was sent: its "I confirm" box was not ticked."""
    message = gettext_for(page.language)(NOT_CONFIRMED)
    return _console(page, 422, Refused(form, message, values))


@router.get("")
def console(page: CompliancePage) -> Response:
    return _console(page)


@router.post("/holds")
def place_hold(
    page: CompliancePage,
    uid: Uid,
    kind: Annotated[HoldKind, Form()],
    reason: Text,
    confirm: Confirm = "",
) -> Response:
    if confirm != "yes":
        return _unconfirmed(page, "hold", uid=uid, kind=kind.value, reason=reason)
    try:
        closure.place_hold(page.service(Workflow), page.me, uid, kind, reason)
    except (AccountNotFound, AccountClosed) as error:
        return _refused(page, "hold", error, uid=uid, kind=kind.value, reason=reason)
    return see_other("/web/compliance?done=hold_placed")


@router.post("/holds/{hold_id}/lift")
def lift_hold(
    page: CompliancePage, hold_id: Annotated[str, Path(max_length=64)], note: Text
) -> Response:
    lifted = closure.lift_hold(page.service(Workflow), page.me, hold_id, note)
    return see_other(f"/web/compliance?done={'hold_lifted' if lifted else 'lift_requested'}")


@router.post("/protective-freezes")
def protective_freeze(
    page: CompliancePage, uid: Uid, reason: Text, confirm: Confirm = ""
) -> Response:
    if confirm != "yes":
        return _unconfirmed(page, "protective", uid=uid, reason=reason)
    try:
        protection.protective_freeze(page.service(Workflow), page.me, uid, reason)
    except (AccountNotFound, AccountClosed, AlreadyFrozen) as error:
        return _refused(page, "protective", error, uid=uid, reason=reason)
    return see_other("/web/compliance?done=protective_freeze")


@router.post("/protective-freezes/lift")
def lift_protective_freeze(page: CompliancePage, uid: Uid, note: Text) -> Response:
    protection.lift_protective_freeze(page.service(Workflow), page.me, uid, note)
    return see_other("/web/compliance?done=protective_freeze_lifted")
