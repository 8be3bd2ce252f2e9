"""Structured logs: one JSON object a line on stderr, for ``serve``, ``worker`` and the CLI.

Each record carries its time, level, logger, message, the request id of the HTTP request
it happened in (``request_id``, set by ``platform.http.request_id``) and every ``extra``
field the call passed; an exception is one string. What is never logged is listed in
docs/operations.md ("Logs"): the calls pass ids, states and counts, never personal data.
"""

from __future__ import annotations

import json
import logging
import sys
import traceback
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, TextIO

#: The id of the HTTP request being served, or ``None`` outside one (the worker, the CLI).
request_id: ContextVar[str | None] = ContextVar("lastgate_request_id", default=None)

#: The attributes every ``LogRecord`` has; anything else on a record came from ``extra``.
_STANDARD = frozenset(
    logging.LogRecord("", 0, "", 0, "", None, None).__dict__.keys()
    | {"message", "asctime", "taskName", "color_message"}  # uvicorn's, with ANSI colours
)


def _plain(value: Any) -> Any:
    """``value`` as JSON can hold it: containers kept, anything else as its ``str``."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


class JsonFormatter(logging.Formatter):
    """Formats a record as one JSON object: the standard fields, the request id, the
    ``extra`` fields, and ``exception`` (the formatted traceback) when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        current = request_id.get()
        if current is not None:
            entry["request_id"] = current
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = _plain(value)
        if record.exc_info:
            entry["exception"] = "".join(traceback.format_exception(*record.exc_info)).rstrip()
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False, default=str)


class _StderrHandler(logging.StreamHandler[TextIO]):
    """Writes to whatever ``sys.stderr`` is at the time, so a test runner swapping it
    (and closing its own afterwards) never leaves the handler on a closed stream."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        """The stream is always the current ``sys.stderr``."""


def configure_logging(level: int = logging.INFO) -> None:
    """Send every ``lastgate`` (and uvicorn) record to stderr as JSON. Idempotent: a
    second call replaces the handler the first installed."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, _StderrHandler)]:
        root.removeHandler(handler)
    handler = _StderrHandler()
    handler.setFormatter(JsonFormatter())
    root.addHandler(handler)
    root.setLevel(level)
    # httpx logs each request's URL at INFO (a webhook's URL can carry its secret), and
    # alembic two lines of its own on every command that opens the database.
    for name in ("httpx", "alembic"):
        logging.getLogger(name).setLevel(max(level, logging.WARNING))
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        # uvicorn's own handlers would print the same record again in its plain format.
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
