"""``lastgate export UID -o FILE``: write a customer's data export (the ZIP) to a file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lastgate.kernel.access import Principal, Role
from lastgate.kernel.clock import system_clock
from lastgate.kernel.settings import Settings

# A group by construction (``add_typer``): let options follow the UID as for a command.
export_app = typer.Typer(  # its help: the lazy table in lastgate.app.cli
    context_settings={"allow_interspersed_args": True},
)


@export_app.callback(invoke_without_command=True)
def export(
    uid: Annotated[str, typer.Argument(help="The customer's UID.")],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Where to write the ZIP; default: its own name."),
    ] = None,
    operator: Annotated[
        str, typer.Option("--operator", help="Who runs the export, for the audit log.")
    ] = "cli",
) -> None:
    """Export UID's data as a ZIP (account.json and tax-tool CSVs), audited as staff."""
    from lastgate.export.adapters import LedgerDataExport
    from lastgate.export.service import export_customer_data
    from lastgate.platform.cli_support import open_engine as _engine
    from lastgate.platform.cli_support import reported_errors as _errors

    principal = Principal(subject=operator, role=Role.AGENT)
    with _errors():
        filename, content = export_customer_data(
            LedgerDataExport(_engine(Settings())), principal, uid, now=system_clock()
        )
    target = output if output is not None else Path(filename)
    target.write_bytes(content)
    typer.echo(f"{target} ({len(content)} bytes)")
