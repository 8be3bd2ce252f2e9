"""Staff operations on closure requests and holds: ``lastgate closure list | approve |
reject`` and ``lastgate hold place | lift`` (groups loaded on use by ``lastgate.app.cli``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from lastgate.kernel.access import Principal, Role
from lastgate.ledger.model import HoldKind
from lastgate.platform.cli_support import open_engine as _engine
from lastgate.platform.cli_support import reported_errors as _errors

if TYPE_CHECKING:
    from lastgate.closure.service.workflow import Workflow

closure_app = typer.Typer()  # its help: the lazy table in lastgate.app.cli
hold_app = typer.Typer()  # its help: the lazy table in lastgate.app.cli


def _workflow() -> Workflow:
    from lastgate.closure.wiring import build_workflow
    from lastgate.kernel.settings import Settings

    settings = Settings()
    return build_workflow(settings, _engine(settings))


def _staff_principal(staff_id: str, role: Role) -> Principal:
    return Principal(staff_id, role)


@closure_app.command("list")
def closure_list(
    staff: Annotated[str, typer.Option(help="Your staff id (audited).")] = "operator",
) -> None:
    """Requests awaiting verification or review."""
    from lastgate.closure.service import workflow as closure

    wf = _workflow()
    for request in closure.review_queue(wf, _staff_principal(staff, Role.AGENT)):
        typer.echo(
            f"{request.id}  {request.uid:24} {request.state.value:12} "
            f"since {request.updated_at.isoformat()}"
        )


@closure_app.command("approve")
def closure_approve(
    request_id: str,
    note: Annotated[str, typer.Option(help="Why (required).")],
    staff: Annotated[str, typer.Option(help="Your staff id (audited).")],
) -> None:
    """Approve a request in review (two different staff members are needed)."""
    from lastgate.closure.service import workflow as closure

    wf = _workflow()
    with _errors():
        request = closure.approve(wf, _staff_principal(staff, Role.AGENT), request_id, note)
    typer.echo(f"{request.id}: {request.state.value}")


@closure_app.command("reject")
def closure_reject(
    request_id: str,
    reason: Annotated[str, typer.Option(help="Told to the customer (required).")],
    staff: Annotated[str, typer.Option(help="Your staff id (audited).")],
) -> None:
    """Reject a request in review; the customer is told how to appeal."""
    from lastgate.closure.service import workflow as closure

    wf = _workflow()
    with _errors():
        request = closure.reject(wf, _staff_principal(staff, Role.AGENT), request_id, reason)
    typer.echo(f"{request.id}: {request.state.value}")


@hold_app.command("place")
def hold_place(
    uid: str,
    kind: Annotated[HoldKind, typer.Option(help="judicial_freeze, law_enforcement, …")],
    reason: Annotated[str, typer.Option(help="Internal reason (required).")],
    officer: Annotated[str, typer.Option(help="Your compliance id (audited).")],
) -> None:
    """Place a hold; an open closure request goes on hold with it."""
    from lastgate.closure.service import workflow as closure

    wf = _workflow()
    with _errors():
        hold_id = closure.place_hold(wf, Principal(officer, Role.COMPLIANCE), uid, kind, reason)
    typer.echo(hold_id)


@hold_app.command("lift")
def hold_lift(
    hold_id: str,
    note: Annotated[str, typer.Option(help="Why (required).")],
    officer: Annotated[str, typer.Option(help="Your compliance id (audited).")],
) -> None:
    """Ask to lift a hold; the second, different officer's call lifts it."""
    from lastgate.closure.service import workflow as closure

    wf = _workflow()
    with _errors():
        lifted = closure.lift_hold(wf, Principal(officer, Role.COMPLIANCE), hold_id, note)
    typer.echo("lifted" if lifted else "lift requested: a second officer must confirm")
