"""Operator commands for erasure and retention: ``lastgate erasure`` and ``lastgate retention``."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from sqlalchemy import Engine

from lastgate.kernel.clock import system_clock
from lastgate.kernel.settings import Settings

erasure_app = typer.Typer()  # its help: the lazy table in lastgate.app.cli
retention_app = typer.Typer()  # its help: the lazy table in lastgate.app.cli


def _engine() -> Engine:
    from lastgate.platform.cli_support import open_engine as engine_from

    return engine_from(Settings())


@erasure_app.command("plan")
def plan(uid: str) -> None:
    """Show what erasure would do to UID's data, table by table; changes nothing."""
    from lastgate.erasure.adapters.runner import dry_run
    from lastgate.platform.cli_support import reported_errors as _errors

    with _errors():
        steps = dry_run(_engine(), uid)
    for step in steps:
        typer.echo(
            f"{step['table']:20} {step['rows']:>8} rows  {step['action']:9} "
            f"[{step['category']}] {step['how']}"
        )


@erasure_app.command("run")
def run() -> None:
    """Advance every pending erasure now (the worker does this on each pass)."""
    from lastgate.erasure.wiring import run_pending
    from lastgate.platform.policy_files import PolicyDirectory

    settings = Settings()
    report = run_pending(
        _engine(), system_clock, settings, PolicyDirectory.load(settings.policy_dir), limit=1000
    )
    typer.echo(
        json.dumps(
            {
                "finished": len(report.finished),
                "waiting": len(report.waiting),
                "steps": report.steps,
            }
        )
    )


@retention_app.command("purge")
def retention_purge() -> None:
    """Destroy the data keys and records whose retention has ended (crypto-shredding)."""
    from lastgate.erasure.adapters.runner import purge

    typer.echo(json.dumps(purge(_engine(), system_clock)))


@retention_app.command("schedule")
def retention_schedule() -> None:
    """When each retained customer's records will be destroyed."""
    from sqlalchemy import select

    from lastgate.erasure.adapters.tables import customer_keys, erasure_runs

    with _engine().connect() as conn:
        rows = conn.execute(
            select(erasure_runs.c.uid, customer_keys.c.retain_until, customer_keys.c.destroyed_at)
            .join(customer_keys, customer_keys.c.run_id == erasure_runs.c.id)
            .order_by(customer_keys.c.retain_until)
        ).all()
    for row in rows:
        state = f"destroyed {row.destroyed_at:%Y-%m-%d}" if row.destroyed_at else "retained"
        typer.echo(f"{row.uid:24} until {row.retain_until:%Y-%m-%d}  {state}")


@retention_app.command("check-identifier")
def check_identifier(
    kind: Annotated[str, typer.Argument(help="email, phone or id_number")],
    value: str,
) -> None:
    """Exit 1 if the identifier belongs to a recently closed account (quarantined)."""
    from lastgate.erasure.adapters.quarantine import KINDS, quarantined_until

    if kind not in KINDS:
        typer.echo(f"error INVALID_INPUT: kind must be one of {', '.join(KINDS)}", err=True)
        raise typer.Exit(2)
    with _engine().connect() as conn:
        until = quarantined_until(conn, Settings(), kind, value, system_clock())
    if until is None:
        typer.echo("free")
        return
    typer.echo(f"quarantined until {until.isoformat()}")
    raise typer.Exit(1)
