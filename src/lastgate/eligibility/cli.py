"""``lastgate sweep run``: eligibility of every account (or one jurisdiction's) at once.

The set-based sweep (docs/bulk.md) with a progress bar; prints how many accounts pass,
how many are blocked by each code, and optionally writes one CSV row per account.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Annotated, TextIO

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from lastgate.eligibility.adapters.bulk import REVIEW_CODES, Sweep, sweep
from lastgate.kernel.clock import system_clock
from lastgate.kernel.settings import Settings
from lastgate.platform.policy_files import PolicyDirectory

sweep_app = typer.Typer()  # its help: the lazy table in lastgate.app.cli

CSV_HEADER = ("uid", "jurisdiction", "outcome", "codes")


@sweep_app.command("run")
def run(
    jurisdiction: Annotated[
        str | None, typer.Option("--jurisdiction", help="Only this jurisdiction's accounts.")
    ] = None,
    csv_path: Annotated[
        Path | None,
        typer.Option("--csv", help="Write one row per account: uid, jurisdiction, outcome, codes."),
    ] = None,
    chunk: Annotated[int, typer.Option("--chunk", min=1, help="Accounts per chunk.")] = 50_000,
) -> None:
    """Check every account now; print the counts per blocking code."""
    from lastgate.platform.cli_support import open_engine as _engine
    from lastgate.platform.cli_support import reported_errors as _errors

    settings = Settings()
    with _errors():
        result = sweep(
            _engine(settings),
            PolicyDirectory.load(settings.policy_dir),
            system_clock(),
            jurisdiction=jurisdiction,
            chunk_size=chunk,
        )
        if csv_path is None:
            _consume(result, None)
        else:
            with csv_path.open("w", encoding="utf-8", newline="") as out:
                _consume(result, out)
    _print_summary(result, csv_path)


def _consume(result: Sweep, out: TextIO | None) -> None:
    writer = None
    if out is not None:
        writer = csv.writer(out)
        writer.writerow(CSV_HEADER)
    columns = (
        TextColumn("sweeping"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, transient=True) as progress:
        task = progress.add_task("sweep", total=result.total)
        for n, row in enumerate(result, start=1):
            if writer is not None:
                codes = " ".join(code.value for code in row.failures)
                writer.writerow((row.uid, row.jurisdiction, row.outcome.value, codes))
            if n % 1000 == 0:
                progress.update(task, completed=n)
        progress.update(task, completed=result.total)


def _print_summary(result: Sweep, csv_path: Path | None) -> None:
    summary = result.summary
    typer.echo(f"accounts: {summary.accounts}")
    typer.echo(f"pass: {summary.passing}")
    typer.echo(f"review only: {summary.eligible - summary.passing}")
    typer.echo(f"blocked: {summary.accounts - summary.eligible}")
    counts = summary.by_code.most_common()
    for title, wanted in (("blocking codes", False), ("review codes", True)):
        listed = [(code, n) for code, n in counts if (code in REVIEW_CODES) is wanted]
        if listed:
            typer.echo(f"{title}:")
            for code, n in listed:
                typer.echo(f"  {code.value:<20} {n}")
    if csv_path is not None:
        typer.echo(f"written {csv_path}")
