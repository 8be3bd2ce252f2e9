"""The compliance console: place holds, lift them with a second officer (four eyes),
protective freezes and their lifting, the open AML investigations, the audit-chain
status and the retention schedule."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path
from fastapi.responses import Response

from lastgate.closure.adapters import console as console_reads
from lastgate.closure.service import protective_freeze as protection
from lastgate.closure.service import workflow as closure
from lastgate.closure.service.workflow import Workflow
from lastgate.erasure.adapters import console as erasure_reads
from lastgate.ledger.model import HoldKind
from lastgate.platform.web.pages import CompliancePage, PageRoute, see_other

router = APIRouter(prefix="/web/compliance", route_class=PageRoute, include_in_schema=False)

Text = Annotated[str, Form(min_length=1, max_length=2000)]


@router.get("")
def console(page: CompliancePage) -> Response:
    engine = page.context.engine
    holds = console_reads.active_holds(engine)
    return page.render(
        "compliance/console.html",
        holds=holds,
        protective=console_reads.protective_freezes(engine),
        investigations=[h for h in holds if h.kind == HoldKind.AML_INVESTIGATION.value],
        overrides=console_reads.awaiting_second_approval(engine),
        kinds=list(HoldKind),
        chain=console_reads.chain_status(engine),
        retention=erasure_reads.retention_schedule(engine),
    )


@router.post("/holds")
def place_hold(
    page: CompliancePage,
    uid: Annotated[str, Form(pattern=r"^[A-Za-z0-9_.:-]{1,64}$")],
    kind: Annotated[HoldKind, Form()],
    reason: Text,
) -> Response:
    closure.place_hold(page.service(Workflow), page.me, uid, kind, reason)
    return see_other("/web/compliance?done=hold_placed")


@router.post("/holds/{hold_id}/lift")
def lift_hold(
    page: CompliancePage, hold_id: Annotated[str, Path(max_length=64)], note: Text
) -> Response:
    lifted = closure.lift_hold(page.service(Workflow), page.me, hold_id, note)
    return see_other(f"/web/compliance?done={'hold_lifted' if lifted else 'lift_requested'}")


Uid = Annotated[str, Form(pattern=r"^[A-Za-z0-9_.:-]{1,64}$")]


@router.post("/protective-freezes")
def protective_freeze(page: CompliancePage, uid: Uid, reason: Text) -> Response:
    protection.protective_freeze(page.service(Workflow), page.me, uid, reason)
    return see_other("/web/compliance?done=protective_freeze")


@router.post("/protective-freezes/lift")
def lift_protective_freeze(page: CompliancePage, uid: Uid, note: Text) -> Response:
    protection.lift_protective_freeze(page.service(Workflow), page.me, uid, note)
    return see_other("/web/compliance?done=protective_freeze_lifted")
