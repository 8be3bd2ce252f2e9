"""Latency over real HTTP: the API under uvicorn in a subprocess, driven by httpx threads."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx

from bench.ledger_gen import NOW
from bench.stats import summarise
from lastgate.kernel.access import Role
from lastgate.kernel.settings import Settings
from lastgate.platform.auth_tokens import issue_token

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_api(
    database_url: str,
    workers: int = 1,
    *,
    app: str = "bench.api_server:app",
    env: dict[str, str] | None = None,
    options: Sequence[str] = (),
) -> Iterator[str]:
    """Start uvicorn (``app``, a factory) on a free 127.0.0.1 port; yields the base URL,
    stops it after. Every server of the benchmarks runs with these same options, and
    ``options`` (more uvicorn arguments: ``--loop asyncio --http h11``…)."""
    port = _free_port()
    # The benchmark is one caller flooding on purpose: lift the per-caller limits, which
    # would otherwise answer 429 after 120 reads a minute.
    env = {
        **os.environ,
        **(env or {}),
        "LASTGATE_DATABASE_URL": database_url,
        "LASTGATE_RATE_LIMIT_ELIGIBILITY": "100000000/minute",
        "LASTGATE_RATE_LIMIT_DEFAULT": "100000000/minute",
    }
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    command = [sys.executable, "-m", "uvicorn", app, "--factory"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    command += ["--log-level", "warning", "--no-access-log", *options]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base, server)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_ready(base: str, server: subprocess.Popen[bytes], timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"API exited with code {server.returncode} before it was ready")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"API at {base} not ready after {timeout_s} s")


def agent_headers() -> dict[str, str]:
    """An agent's bearer token (the internal view), valid at the ledger's instant."""
    token = issue_token(Settings(), "bench-agent", Role.AGENT, timedelta(hours=8), NOW)
    return {"Authorization": f"Bearer {token}"}


def measure_http(
    base: str,
    uids: Sequence[str],
    concurrency: int,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """GET the eligibility report of every UID from ``concurrency`` threads, by default
    with an agent's token (the internal view)."""
    headers = headers if headers is not None else agent_headers()
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    with httpx.Client(base_url=base, headers=headers, limits=limits, timeout=60) as client:

        def one(uid: str) -> float:
            t0 = time.perf_counter()
            response = client.get(f"/v1/accounts/{uid}/eligibility")
            elapsed = time.perf_counter() - t0
            if response.status_code != 200:
                raise RuntimeError(f"{uid}: HTTP {response.status_code}: {response.text[:200]}")
            return elapsed

        for uid in uids[: min(50, len(uids))]:  # warm up connections and caches
            one(uid)
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            latencies = list(pool.map(one, uids))
        wall = time.perf_counter() - started
    return {**summarise(latencies, wall), "concurrency": concurrency}
