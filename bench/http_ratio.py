"""The eligibility API over HTTP against a minimal FastAPI app, in one run.

``python -m bench.http_ratio`` (see README.md, "Eligibility over HTTP"). Both servers run
under the same uvicorn command (one worker, same options), one after the other on the
same machine, and are driven by the same httpx client: the real API
(``bench.api_server:app``, an agent's token, the internal view of random UIDs) and
``floor_app`` below, a minimal FastAPI app answering the same path with the body the
real API returned for that UID (recorded before the run), in two forms: the very bytes
(``Response``: the floor of FastAPI and uvicorn), and the same JSON document returned as
a ``dict`` from the endpoint (FastAPI's default path: it encodes and serialises it).
It prints requests per second on each side and the ratios; the target is at least 0.7.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``bench`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
from fastapi import FastAPI, Response

from bench import ledger_gen
from bench.stats import table

OUT = Path(__file__).resolve().parent / "out"
TARGET = 0.7
_BODIES_ENV = "LASTGATE_BENCH_FLOOR_BODIES"
_KIND_ENV = "LASTGATE_BENCH_FLOOR_KIND"
FLOORS = {"bytes": "minimal, same bytes", "document": "minimal, same dict"}
FLOOR_APP = "bench.http_ratio:floor_app"


def floor_app() -> FastAPI:
    """The minimal app: ``GET /v1/accounts/{uid}/eligibility`` answers the body recorded
    for ``uid`` (``uvicorn --factory bench.http_ratio:floor_app``)."""
    recorded = json.loads(Path(os.environ[_BODIES_ENV]).read_text(encoding="utf-8"))
    app = FastAPI()

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    if os.environ.get(_KIND_ENV, "bytes") == "bytes":
        bodies = {uid: body.encode() for uid, body in recorded.items()}

        @app.get("/v1/accounts/{uid}/eligibility")
        async def eligibility(uid: str) -> Response:
            return Response(bodies[uid], media_type="application/json")

    else:
        documents = {uid: json.loads(body) for uid, body in recorded.items()}

        @app.get("/v1/accounts/{uid}/eligibility")
        async def eligibility_document(uid: str) -> Any:
            return documents[uid]

    return app


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=10_000, help="ledger size (SQLite)")
    parser.add_argument("--requests", type=int, default=2000, help="requests per round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per side, alternating")
    parser.add_argument(
        "--concurrency",
        type=lambda text: [int(n) for n in text.split(",")],
        default=[1, 8],
        help="client threads, one ratio per comma-separated figure (default 1,8)",
    )
    parser.add_argument("--workers", type=int, default=1, help="uvicorn --workers")
    parser.add_argument(
        "--server-options",
        default="",
        help="more uvicorn arguments for both servers, e.g. '--loop asyncio --http h11'",
    )
    return parser.parse_args()


def _record(base: str, uids: list[str], headers: dict[str, str]) -> dict[str, str]:
    with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
        bodies = {}
        for uid in uids:
            response = client.get(f"/v1/accounts/{uid}/eligibility")
            response.raise_for_status()
            bodies[uid] = response.text
    return bodies


def _server_cpu(base: str) -> float:
    """CPU seconds the uvicorn processes serving ``base`` have used so far (the server
    and its workers; not the client): a figure the machine's other load distorts less
    than requests per second."""
    port = base.rsplit(":", 1)[1]
    parents: dict[int, int] = {}
    ticks: dict[int, int] = {}
    served: set[int] = set()
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            command = (proc / "cmdline").read_bytes().split(b"\0")
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(proc.name)
        parents[pid], ticks[pid] = int(fields[1]), int(fields[11]) + int(fields[12])
        if b"uvicorn" in command and b"--port" in command and port.encode() in command:
            served.add(pid)
    tree = served | {pid for pid, parent in parents.items() if parent in served}
    return sum(ticks[pid] for pid in tree) / os.sysconf("SC_CLK_TCK")


def _merge(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Rounds of one side as one row: medians of the rounds, throughput over their sum."""
    count = sum(r["count"] for r in runs)
    wall = sum(r["count"] / r["per_second"] for r in runs)
    merged = {key: sorted(r[key] for r in runs)[len(runs) // 2] for key in runs[0]}
    return {**merged, "count": count, "per_second": round(count / wall, 1)}


def main() -> int:
    from bench.eligibility import sqlite_ledger
    from bench.over_http import agent_headers, running_api

    args = _arguments()
    load_before = _load_average()
    OUT.mkdir(parents=True, exist_ok=True)
    rng = random.Random(11)
    uids = list(ledger_gen.iter_uids(args.accounts))
    targets = [rng.choice(uids) for _ in range(args.requests)]
    headers = agent_headers()
    options = args.server_options.split()
    with (
        sqlite_ledger(args.accounts) as url,
        running_api(url, workers=args.workers, options=options) as api,
    ):
        bodies = _record(api, sorted(set(targets)), headers)
        path = OUT / "floor-bodies.json"
        path.write_text(json.dumps(bodies), encoding="utf-8")
        size = sum(len(bodies[uid].encode()) for uid in targets) / len(targets)
        with ExitStack() as servers:
            bases = {"api": api}
            for kind in FLOORS:
                env = {_BODIES_ENV: str(path), _KIND_ENV: kind}
                serve = running_api(
                    url, workers=args.workers, app=FLOOR_APP, env=env, options=options
                )
                bases[kind] = servers.enter_context(serve)
            rows, ratios = _measure(args, bases, targets, headers)
    _report(args, rows, ratios, size, load_before)
    return 0


def _load_average() -> list[str]:
    return Path("/proc/loadavg").read_text(encoding="utf-8").split()[:3]


def _measure(
    args: argparse.Namespace, bases: dict[str, str], targets: list[str], headers: dict[str, str]
) -> tuple[dict[str, dict[str, Any]], dict[str, float]]:
    """Rounds alternating between the servers, per client count; rows and ratios."""
    from bench.over_http import measure_http

    rows: dict[str, dict[str, Any]] = {}
    ratios: dict[str, float] = {}
    for threads in args.concurrency:
        runs: dict[str, list[dict[str, Any]]] = {side: [] for side in bases}
        for _ in range(args.rounds):
            for side, base in bases.items():
                cpu = _server_cpu(base)
                found = measure_http(base, targets, threads, headers)
                found["server_cpu_ms"] = (_server_cpu(base) - cpu) * 1000 / len(targets)
                runs[side].append(found)
        merged = {side: _merge(found) for side, found in runs.items()}
        rows[f"eligibility API, {threads} client(s)"] = merged["api"]
        for kind, name in FLOORS.items():
            rows[f"{name}, {threads} client(s)"] = merged[kind]
            ratios[f"{threads} client(s), API / {name}"] = (
                merged["api"]["per_second"] / merged[kind]["per_second"]
            )
    return rows, ratios


def _report(
    args: argparse.Namespace,
    rows: dict[str, dict[str, Any]],
    ratios: dict[str, float],
    size: float,
    load_before: list[str],
) -> None:
    load = [*load_before, "->", *_load_average()]
    print()
    print(table(rows))
    print(f"\nmean body {size:,.0f} bytes on both sides; load average {' '.join(load)}")
    print("server CPU per request (uvicorn processes only, median of the rounds):")
    for name, row in rows.items():
        print(f"  {name:<38}{row['server_cpu_ms']:>8.3f} ms")
    print("requests per second, API / minimal:")
    for name, ratio in ratios.items():
        verdict = "met" if ratio >= TARGET else "NOT met"
        print(f"  {name} = {ratio:.2f}  (target >= {TARGET}: {verdict})")
    document = {
        "command": " ".join(["python -m bench.http_ratio", *sys.argv[1:]]),
        "accounts": args.accounts,
        "workers": args.workers,
        "server_options": args.server_options.split(),
        "load_average": load,
        "mean_body_bytes": round(size),
        "results": rows,
        "ratios": {name: round(ratio, 3) for name, ratio in ratios.items()},
    }
    out = OUT / "http-ratio.json"
    out.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    print(f"written {out}")


if __name__ == "__main__":
    raise SystemExit(main())
