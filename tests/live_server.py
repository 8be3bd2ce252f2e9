"""The app served by a real uvicorn on loopback, in a thread, for the tests that go
through real HTTP (sockets, headers as sent, a browser): ``live_server`` starts it, waits
until it listens, gives its address and stops it on leaving."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Literal

import pytest
import uvicorn
from fastapi import FastAPI

HOST = "127.0.0.1"
#: How long uvicorn may take to listen before the test fails.
START_SECONDS = 10


def free_port() -> int:
    """A port nothing listens on now, for a server the caller starts."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@contextmanager
def live_server(
    app: FastAPI,
    *,
    port: int | None = None,
    lifespan: Literal["auto", "on", "off"] = "auto",
) -> Iterator[str]:
    """Serve ``app`` on ``port`` (a free one when ``None``) until the block ends; yields
    its base URL (``http://127.0.0.1:<port>``). Fails the test if uvicorn does not listen
    within ``START_SECONDS`` or its thread ends first."""
    port = free_port() if port is None else port
    server = uvicorn.Server(
        uvicorn.Config(app, host=HOST, port=port, log_level="warning", lifespan=lifespan)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + START_SECONDS
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                pytest.fail("uvicorn did not start")
            time.sleep(0.02)
        yield f"http://{HOST}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
