"""``lastgate campaign``: forced offboarding when the platform leaves a market.

``plan`` (the dry run), ``start`` (two compliance officers; the second sends the notices
with a progress bar), ``status``, ``report`` (CSV and HTML), ``cancel``, ``tick`` (the
due work now: ``lastgate worker`` does the same on its own), ``list``. docs/campaign.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import Engine

from lastgate.campaign.model import Campaign, FunnelPoint
from lastgate.campaign.service import campaigns
from lastgate.campaign.service.announcements import announce, release
from lastgate.campaign.service.campaigns import Campaigns
from lastgate.campaign.service.campaigns import Progress as ProgressHook
from lastgate.campaign.service.due_work import tick
from lastgate.kernel.access import Principal, Role
from lastgate.kernel.clock import system_clock
from lastgate.kernel.errors import InvalidInput
from lastgate.kernel.settings import Settings
from lastgate.platform.faults import crash_hook as _crash_hook

campaign_app = typer.Typer()  # its help: the lazy table in lastgate.app.cli

Officer = Annotated[str, typer.Option("--officer", help="Your compliance id (audited).")]
Staff = Annotated[str, typer.Option("--staff", help="Your staff id.")]
Batch = Annotated[int, typer.Option("--batch", min=1, help="Accounts per transaction.")]


def _wired() -> tuple[Campaigns, Engine]:
    from lastgate.campaign.wiring import build_campaigns
    from lastgate.platform.cli_support import open_engine as _engine

    settings = Settings()
    engine = _engine(settings)
    return build_campaigns(settings, engine, system_clock), engine


def _campaigns() -> Campaigns:
    return _wired()[0]


@contextmanager
def _bar(title: str) -> Iterator[ProgressHook]:
    columns = (TextColumn(title), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    # On stderr, and only on a terminal: stdout carries the results (scripts read the
    # campaign's id from it) and a log should not fill with bars.
    console = Console(stderr=True)
    with Progress(
        *columns, transient=True, console=console, disable=not console.is_terminal
    ) as progress:
        task = progress.add_task(title, total=None)

        def update(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        yield update


def parse_deadline(text: str) -> datetime:
    """``2027-01-25`` (00:00 UTC that day) or an ISO 8601 time (UTC if no offset)."""
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"not a date or an ISO 8601 time: {text!r}") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _read_uids(path: Path) -> list[str]:
    """One UID a line; blank lines and ``#`` comments ignored."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}") from None
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


@campaign_app.command("plan")
def plan(
    deadline: Annotated[str, typer.Option(help="When accounts close: 2027-01-25 (00:00 UTC).")],
    officer: Officer,
    jurisdiction: Annotated[
        str | None, typer.Option("--jurisdiction", help="Every account of this jurisdiction.")
    ] = None,
    uids: Annotated[Path | None, typer.Option("--uids", help="A file of UIDs, one a line.")] = None,
    name: Annotated[str | None, typer.Option(help="What staff will call it.")] = None,
) -> None:
    """The dry run: sweep the accounts and store the plan. Sends nothing."""
    from lastgate.platform.cli_support import reported_errors as _errors

    with _errors():
        cs = _campaigns()
        listed = _read_uids(uids) if uids is not None else None
        title = name or f"Offboarding {jurisdiction.upper() if jurisdiction else uids}"
        with _bar("sweeping") as progress:
            made = campaigns.plan(
                cs,
                Principal(officer, Role.COMPLIANCE),
                name=title,
                deadline=parse_deadline(deadline),
                jurisdiction=jurisdiction,
                uids=listed,
                progress=progress,
            )
    typer.echo(f"campaign {made.id} planned: {made.name}")
    _print_plan(made)
    typer.echo(f"next: two compliance officers run `lastgate campaign start {made.id}`")


def _print_plan(made: Campaign) -> None:
    r = made.report
    typer.echo(f"deadline: {made.deadline.isoformat()}")
    typer.echo(f"accounts: {r['accounts']}")
    typer.echo(f"pass now: {r['passing']}")
    typer.echo(f"review only: {r['eligible'] - r['passing']}")
    typer.echo(f"blocked: {r['blocked']}")
    if r.get("already_closed"):
        typer.echo(f"already closed (left out): {r['already_closed']}")
    if r["by_code"]:
        typer.echo("blocking codes:")
        for code, n in r["by_code"].items():
            typer.echo(f"  {code:<20} {n}")
    if r["assets"]:
        typer.echo("assets held:")
        for asset, total in r["assets"].items():
            typer.echo(f"  {asset:<10} {total}")


@campaign_app.command("start")
def start(campaign_id: str, officer: Officer, batch: Batch = 500) -> None:
    """Approve the start; the second officer's approval starts it and sends the notices."""
    from lastgate.platform.cli_support import reported_errors as _errors

    with _errors():
        cs = _campaigns()
        made, started = campaigns.start(cs, Principal(officer, Role.COMPLIANCE), campaign_id)
        if not started:
            typer.echo("start requested: a second compliance officer must confirm")
            return
        with _bar("notifying") as progress:
            sent = announce(
                cs, campaign_id, batch_size=batch, progress=progress, fault=_crash_hook()
            )
    typer.echo(f"campaign {made.id} started: {sent} account(s) told, now withdraw-only")
    typer.echo(f"deadline: {made.deadline.isoformat()}")


@campaign_app.command("status")
def status(campaign_id: str, staff: Staff = "operator") -> None:
    """Where the campaign stands: members per status, blockers now."""
    from lastgate.platform.cli_support import reported_errors as _errors

    with _errors():
        made, now = campaigns.get(_campaigns(), Principal(staff, Role.AGENT), campaign_id)
    typer.echo(f"campaign {made.id}: {made.name}")
    typer.echo(f"state: {made.state.value}")
    typer.echo(f"deadline: {made.deadline.isoformat()}")
    _print_point(now)


def _print_point(point: FunnelPoint) -> None:
    typer.echo(f"members: {point.members}")
    for status_name, n in point.by_status.items():
        if n:
            typer.echo(f"  {status_name:<20} {n}")
    if point.by_code:
        typer.echo("blocking codes now:")
        for code, n in point.by_code.items():
            typer.echo(f"  {code:<20} {n}")


@campaign_app.command("report")
def report(
    campaign_id: str,
    csv_path: Annotated[Path | None, typer.Option("--csv", help="One row per account.")] = None,
    html_path: Annotated[
        Path | None, typer.Option("--html", help="A page with charts and tables.")
    ] = None,
    staff: Staff = "operator",
) -> None:
    """Write the campaign's report as CSV and/or a self-contained HTML page."""
    from lastgate.campaign.adapters.report import render_html, write_csv
    from lastgate.platform.cli_support import reported_errors as _errors

    if csv_path is None and html_path is None:
        typer.echo("error INVALID_INPUT: give --csv FILE, --html FILE or both", err=True)
        raise typer.Exit(2)
    with _errors():
        cs, engine = _wired()
        campaigns.get(cs, Principal(staff, Role.AGENT), campaign_id)
        if csv_path is not None:
            with csv_path.open("w", encoding="utf-8", newline="") as out:
                rows = write_csv(engine, campaign_id, out)
            typer.echo(f"written {csv_path} ({rows} account(s))")
        if html_path is not None:
            html_path.write_text(render_html(engine, campaign_id, system_clock()), "utf-8")
            typer.echo(f"written {html_path}")


@campaign_app.command("cancel")
def cancel(
    campaign_id: str,
    reason: Annotated[str, typer.Option(help="Why (audited).")],
    officer: Officer,
    batch: Batch = 500,
) -> None:
    """Cancel before the deadline: lift the withdraw-only restriction and tell everyone."""
    from lastgate.platform.cli_support import reported_errors as _errors

    with _errors():
        cs = _campaigns()
        campaigns.cancel(cs, Principal(officer, Role.COMPLIANCE), campaign_id, reason)
        released = release(cs, campaign_id, batch_size=batch)
    typer.echo(f"campaign {campaign_id} cancelled: {released} account(s) released")


@campaign_app.command("tick")
def tick_now(
    campaign_id: Annotated[str | None, typer.Argument(help="Only this campaign.")] = None,
    batch: Batch = 500,
) -> None:
    """Do the due work now (notices, reminders, the deadline); the worker does it too."""
    from lastgate.platform.cli_support import reported_errors as _errors

    with _errors(), _bar("working") as progress:
        done = tick(
            _campaigns(),
            batch_size=batch,
            campaign_id=campaign_id,
            progress=progress,
            fault=_crash_hook(),
        )
    typer.echo(" ".join(f"{k}={v}" for k, v in done.as_dict().items()))


@campaign_app.command("list")
def listing(staff: Staff = "operator") -> None:
    """Campaigns, newest first."""
    from lastgate.platform.cli_support import reported_errors as _errors

    with _errors():
        found = campaigns.listing(_campaigns(), Principal(staff, Role.AGENT))
    for made in found:
        typer.echo(
            f"{made.id}  {made.state.value:10} {made.deadline.date().isoformat()}  "
            f"{made.jurisdiction or 'UIDs':8} {made.name}"
        )
