"""What every command shares: errors as ``error CODE: message`` and exit 2, the database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from lastgate.kernel.errors import LastgateError
from lastgate.kernel.i18n import normalize
from lastgate.kernel.settings import Settings
from lastgate.platform.db.engine import make_engine, migrate

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
    """The configured database, brought up to date (an empty SQLite file needs no setup)."""
    engine = make_engine(settings.database_url)
    try:
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
