"""What every command shares: errors as ``error CODE: message`` and exit 2, the database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import typer

from lastgate.kernel.errors import LastgateError
from lastgate.kernel.i18n import normalize

if TYPE_CHECKING:  # the database is imported by the commands that open it
    from sqlalchemy import Engine

    from lastgate.kernel.settings import Settings

EXIT_BLOCKED = 1
EXIT_ERROR = 2


@contextmanager
def reported_errors() -> Iterator[None]:
    """Report a ``LastgateError`` as ``error CODE: message`` plus details, exit 2."""
    try:
        yield
    except LastgateError as exc:
        typer.echo(f"error {exc.code}: {exc.message}", err=True)
        for detail in exc.details:
            typer.echo(f"  {detail.get('path', '')}: {detail.get('reason', '')}", err=True)
        raise typer.Exit(EXIT_ERROR) from None


def open_engine(settings: Settings) -> Engine:
    """The configured database, brought up to date (an empty SQLite file needs no setup);
    alembic runs only when the schema is behind the code."""
    from sqlalchemy.exc import OperationalError

    from lastgate.platform.db.engine import make_engine, migrate
    from lastgate.platform.db.readiness import readiness

    engine = make_engine(settings.database_url)
    try:
        if readiness(engine) is not None:  # behind, never migrated, or not answering
            migrate(engine)
    except OperationalError as exc:
        typer.echo(f"error DATABASE_UNAVAILABLE: {exc.orig}", err=True)
        raise typer.Exit(EXIT_ERROR) from None
    return engine


def cli_language(lang: str) -> str:
    language = normalize(lang)
    if language is None:
        typer.echo(f"error INVALID_INPUT: unsupported language {lang!r}", err=True)
        raise typer.Exit(EXIT_ERROR)
    return language
