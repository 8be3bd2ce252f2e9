"""CPU per request of the eligibility route with no sockets: the ASGI app called directly.

``python -m bench.asgi_cost`` (see README.md, "Eligibility over HTTP"). The real API
(``bench.api_server``: the clock pinned to the ledger's instant, an agent's token, the
internal view) and the minimal app of ``bench.http_ratio`` (the same path answering the
very bytes the API returned for that UID) are called in this process, one request at a
time, for the same random UIDs of the cached SQLite ledger; the figure is the process's
CPU time per request, which the machine's other load distorts far less than requests
per second over HTTP. It also prints the request's parts: reading the state, evaluating
the checks, the report's JSON. The two apps' cost with no server around them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import time
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``bench`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import ledger_gen

OUT = Path(__file__).resolve().parent / "out"
App = Callable[..., Any]


def _scope(uid: str, headers: list[tuple[bytes, bytes]]) -> dict[str, Any]:
    path = f"/v1/accounts/{uid}/eligibility"
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1"), (b"accept", b"*/*"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 80),
    }


async def _call(app: App, scope: dict[str, Any]) -> tuple[int, bytes]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(dict(scope), receive, send)
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return sent[0]["status"], body


def _cpu_per_request(app: App, scopes: Sequence[dict[str, Any]], warm: int) -> float:
    async def run() -> float:
        for scope in scopes[:warm]:
            await _call(app, scope)
        started = time.process_time()
        for scope in scopes:
            status, _ = await _call(app, scope)
            if status != 200:
                raise RuntimeError(f"HTTP {status} for {scope['path']}")
        return (time.process_time() - started) / len(scopes)

    return asyncio.run(run())


def _parts(engine: Any, uids: Sequence[str]) -> dict[str, float]:
    """CPU per UID of the request's parts, each timed on its own."""
    from lastgate.eligibility.model.agent_view import agent_view
    from lastgate.eligibility.model.checks import evaluate
    from lastgate.eligibility.wire import report_bytes
    from lastgate.ledger.adapters.state_reader import LedgerStateReader
    from lastgate.platform.policy_files import PolicyDirectory

    reader, policies = LedgerStateReader(engine), PolicyDirectory.load()
    since = ledger_gen.NOW - timedelta(days=policies.longest_withdrawal_window_days)
    timed: dict[str, float] = {}
    started = time.process_time()
    states = [reader.load(uid, withdrawals_since=since) for uid in uids]
    timed["read the state"] = (time.process_time() - started) / len(uids)
    started = time.process_time()
    reports = [
        agent_view(evaluate(s, policies.for_jurisdiction(s.jurisdiction), ledger_gen.NOW))
        for s in states
    ]
    timed["evaluate the checks"] = (time.process_time() - started) / len(uids)
    started = time.process_time()
    for report in reports:
        report_bytes(report, "en")
    timed["the report's JSON"] = (time.process_time() - started) / len(uids)
    return timed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=10_000, help="ledger size (SQLite)")
    parser.add_argument("--requests", type=int, default=3000, help="requests per app")
    args = parser.parse_args()
    from bench.eligibility import sqlite_ledger

    rng = random.Random(11)
    uids = list(ledger_gen.iter_uids(args.accounts))
    targets = [rng.choice(uids) for _ in range(args.requests)]
    with sqlite_ledger(args.accounts) as url:
        os.environ["LASTGATE_DATABASE_URL"] = url
        # One caller flooding on purpose, as over HTTP (bench/over_http.py).
        os.environ["LASTGATE_RATE_LIMIT_ELIGIBILITY"] = "100000000/minute"
        os.environ["LASTGATE_RATE_LIMIT_DEFAULT"] = "100000000/minute"
        from bench import http_ratio
        from bench.api_server import app as api_app
        from bench.over_http import agent_headers

        api = api_app()
        token = agent_headers()["Authorization"].encode()
        scopes = [_scope(uid, [(b"authorization", token)]) for uid in targets]
        bodies = {
            uid: asyncio.run(_call(api, _scope(uid, [(b"authorization", token)])))[1].decode()
            for uid in sorted(set(targets))
        }
        OUT.mkdir(parents=True, exist_ok=True)
        recorded = OUT / "asgi-floor-bodies.json"
        recorded.write_text(json.dumps(bodies), encoding="utf-8")
        os.environ["LASTGATE_BENCH_FLOOR_BODIES"] = str(recorded)  # http_ratio._BODIES_ENV
        floor = http_ratio.floor_app()
        warm = min(200, len(scopes))
        api_cpu = _cpu_per_request(api, scopes, warm)
        floor_cpu = _cpu_per_request(floor, [_scope(uid, []) for uid in targets], warm)
        parts = _parts(api.state.context.engine, targets)
    print(f"{args.requests} requests per app, {args.accounts:,} accounts (SQLite), in process")
    print(f"  eligibility API          {api_cpu * 1000:7.3f} ms CPU per request")
    for name, seconds in parts.items():
        print(f"    of which {name:<20s}{seconds * 1000:7.3f} ms")
    print(f"  minimal app, same bytes  {floor_cpu * 1000:7.3f} ms CPU per request")
    print(f"  API / minimal: {api_cpu / floor_cpu:.1f}x the CPU of a request")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
