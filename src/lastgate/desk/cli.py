"""Staff commands for the appeals desk: ``lastgate desk queue | show | reply | …``."""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from typing import Annotated

import typer

from lastgate.desk.model.tickets import TicketEvent
from lastgate.desk.service import appeals as desk_appeals
from lastgate.desk.service import desk as d
from lastgate.kernel.access import Principal, Role
from lastgate.kernel.clock import system_clock
from lastgate.kernel.settings import Settings

desk_app = typer.Typer()  # its help: the lazy table in lastgate.app.cli

Staff = Annotated[str, typer.Option("--staff", help="Your staff id (audited).")]
Note = Annotated[str, typer.Option(help="Told to the customer (required).")]


def _desk() -> d.Desk:
    from lastgate.desk.wiring import build_desk
    from lastgate.platform.cli_support import open_engine as _engine

    settings = Settings()
    return build_desk(settings, _engine(settings), system_clock)


def _agent(staff: str) -> Principal:
    return Principal(staff, Role.AGENT)


def _errors() -> AbstractContextManager[None]:
    """The CLI's error reporting: ``error CODE: message``, exit status 2."""
    from lastgate.platform.cli_support import reported_errors as errors

    return errors()


@desk_app.command("queue")
def queue(
    staff: Staff = "operator",
    name: Annotated[str | None, typer.Option("--queue", help="Only this queue.")] = None,
    assignee: Annotated[str | None, typer.Option(help="Only this assignee.")] = None,
    everything: Annotated[bool, typer.Option("--all", help="Resolved and closed too.")] = False,
) -> None:
    """Tickets oldest first, with SLA breach flags."""
    with _errors():
        found = d.staff_queue(
            _desk(), _agent(staff), queue=name, assignee=assignee, open_only=not everything
        )
    for ticket, sla in found:
        flags = ",".join(
            f
            for f, on in (
                ("FIRST_RESPONSE_BREACHED", sla.first_response_breached),
                ("RESOLUTION_BREACHED", sla.resolution_breached),
            )
            if on
        )
        typer.echo(
            f"{ticket.id}  {ticket.state.value:20} {ticket.queue:9} {ticket.category.value:20} "
            f"{ticket.uid:12} {ticket.assignee or '-':12} {flags}"
        )


@desk_app.command("show")
def show(ticket_id: str, staff: Staff = "operator") -> None:
    """One ticket with every message, internal notes included, as JSON."""
    with _errors():
        seen = d.view(_desk(), _agent(staff), ticket_id)
    typer.echo(
        json.dumps(
            {
                "ticket": {
                    "id": seen.ticket.id,
                    "uid": seen.ticket.uid,
                    "state": seen.ticket.state.value,
                    "category": seen.ticket.category.value,
                    "queue": seen.ticket.queue,
                    "assignee": seen.ticket.assignee,
                    "first_response_breached": seen.sla.first_response_breached,
                    "resolution_breached": seen.sla.resolution_breached,
                },
                "messages": [
                    {
                        "at": m.created_at.isoformat(),
                        "author": m.author,
                        "visibility": m.visibility.value,
                        "body": m.body,
                    }
                    for m in seen.messages
                ],
                "attachments": [
                    {"id": a.id, "purpose": a.purpose.value, "type": a.content_type}
                    for a in seen.attachments
                ],
            },
            ensure_ascii=False,
            indent=2,
        )
    )


@desk_app.command("reply")
def reply(
    ticket_id: str,
    text: str,
    staff: Staff,
    internal: Annotated[bool, typer.Option("--internal", help="A note for staff only.")] = False,
    wait: Annotated[bool, typer.Option("--await-customer", help="Wait for an answer.")] = False,
) -> None:
    """Reply to the customer (they are told, with their anti-phishing code), or note."""
    with _errors():
        posted = d.reply(
            _desk(), _agent(staff), ticket_id, text, internal=internal, await_customer=wait
        )
    typer.echo(posted.message.id)


@desk_app.command("canned")
def canned(
    ticket_id: str,
    key: str,
    staff: Staff,
    lang: Annotated[str, typer.Option(help="en or zh_Hans")] = "en",
) -> None:
    """Send a canned reply (see canned_replies.toml)."""
    with _errors():
        posted = d.reply_canned(_desk(), _agent(staff), ticket_id, key, lang)
    typer.echo(posted.message.id)


@desk_app.command("assign")
def assign(
    ticket_id: str,
    staff: Staff,
    to: Annotated[str | None, typer.Option("--to", help="Assignee (none: unassign).")] = None,
    name: Annotated[str | None, typer.Option("--queue", help="Move to this queue.")] = None,
) -> None:
    """Give a ticket to someone, or move it to another queue."""
    with _errors():
        ticket = d.assign(_desk(), _agent(staff), ticket_id, assignee=to, queue=name)
    typer.echo(f"{ticket.id} {ticket.queue} {ticket.assignee or '-'}")


@desk_app.command("move")
def move(
    ticket_id: str,
    event: Annotated[str, typer.Argument(help="resolve, close or reopen")],
    staff: Staff,
) -> None:
    """Resolve, close or reopen a ticket."""
    with _errors():
        ticket = d.change_state(_desk(), _agent(staff), ticket_id, TicketEvent(event))
    typer.echo(f"{ticket.id} {ticket.state.value}")


@desk_app.command("risk-lock-appeal")
def risk_lock_appeal(
    ticket_id: str,
    staff: Staff,
    note: Note,
    approve: Annotated[bool, typer.Option("--approve/--reject")] = False,
) -> None:
    """Compliance: decide an account-locked appeal; approving lifts the risk lock."""
    with _errors():
        lifted = desk_appeals.decide_risk_lock_appeal(
            _desk(), Principal(staff, Role.COMPLIANCE), ticket_id, approve=approve, note=note
        )
    typer.echo(json.dumps({"holds_lifted": lifted}))


@desk_app.command("closure-appeal")
def closure_appeal(
    ticket_id: str,
    staff: Staff,
    note: Note,
    overturn: Annotated[bool, typer.Option("--overturn/--uphold")] = False,
) -> None:
    """Re-review a rejected closure (not by the agent who rejected it)."""
    with _errors():
        state = desk_appeals.decide_closure_appeal(
            _desk(), _agent(staff), ticket_id, overturn=overturn, note=note
        )
    typer.echo(state.value)


@desk_app.command("recovery")
def recovery(
    ticket_id: str,
    staff: Staff,
    note: Note,
    approve: Annotated[bool, typer.Option("--approve/--reject")] = False,
) -> None:
    """Decide a credential recovery on its document and video statement."""
    with _errors():
        done = desk_appeals.review_recovery(
            _desk(), _agent(staff), ticket_id, approve=approve, note=note
        )
    effective = done.effective_at.isoformat() if done.effective_at else None
    typer.echo(json.dumps({"state": done.state, "effective_at": effective}))


@desk_app.command("official")
def official(value: str) -> None:
    """Whether a link, e-mail address or phone number is official (exit 1 if not)."""
    from lastgate.desk.model.official import check
    from lastgate.desk.wiring import official_channels

    verdict = check(value, official_channels(Settings()))
    typer.echo(
        json.dumps(
            {
                "kind": verdict.kind.value,
                "official": verdict.official,
                "normalised": verdict.normalised,
                "reason": verdict.reason,
            }
        )
    )
    raise typer.Exit(0 if verdict.official else 1)
