"""What every command shares: errors as ``error CODE: message`` and exit 2, the database,
and leaving the process without tearing the interpreter down."""

from __future__ import annotations

import atexit
import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING

import typer

from lastgate.kernel.errors import LastgateError
from lastgate.kernel.i18n import normalize

if TYPE_CHECKING:  # the database is imported by the commands that open it
    from sqlalchemy import Engine

    from lastgate.kernel.settings import Settings

EXIT_BLOCKED = 1
EXIT_ERROR = 2

#: The engines the commands opened, closed before the process leaves (``run_and_leave``).
_OPENED: list[Engine] = []
#: The status the process leaves with: the command's, once it has exited; 1 if it raised.
_STATUS = [1]


def run_and_leave(app: Callable[[], object]) -> None:
    """Run the command line, then leave without the interpreter's teardown.

    Tearing down every module a command loaded (SQLAlchemy, pydantic, Typer…) takes
    60 to 150 ms after the command is done, a quarter of a short command's time
    (bench/cli_start.py). The exit handler registered here is the first, so it runs last
    (handlers run in reverse): after Python has joined the command's threads and run every
    handler registered since (the libraries' and the command's). It flushes the logs and
    the standard streams, closes the engines the command opened, and ends the process with
    the command's exit status. Only the console entry calls this, never a test's process.
    """
    atexit.register(_leave)
    try:
        app()
    except SystemExit as exit_:
        code = exit_.code
        _STATUS[0] = code if isinstance(code, int) else (0 if code is None else 1)
        raise
    _STATUS[0] = 0


def _leave() -> None:
    logging.shutdown()
    for engine in _OPENED:
        engine.dispose()
    for stream in (sys.stdout, sys.stderr):
        with suppress(OSError, ValueError):  # a closed pipe: nothing more can reach it
            stream.flush()
    os._exit(_STATUS[0])


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
    _OPENED.append(engine)
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
