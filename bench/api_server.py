"""The API for the HTTP benchmark: ``uvicorn --factory bench.api_server:app``.

Settings come from the environment (``LASTGATE_DATABASE_URL``); the clock is pinned to
the instant the ledger was generated for, so HTTP and in-process runs check the same thing.
"""

from __future__ import annotations

from fastapi import FastAPI

from bench.ledger_gen import NOW
from lastgate.app.api import create_app
from lastgate.kernel.settings import Settings


def app() -> FastAPI:
    return create_app(Settings(), clock=lambda: NOW)
