"""The eligibility API over HTTP against a minimal FastAPI app, in one run.

``python -m bench.http_ratio`` (see README.md, "Eligibility over HTTP"). Both servers run
under the same uvicorn command (one worker, same options), one after the other on the
same machine, and are driven by the same httpx client: the real API
(``bench.api_server:app``, an agent's token, the internal view of random UIDs) and
``floor_app`` below, a FastAPI app that answers the same path with the very bytes the
real API returned for that UID, prepared before the run. It prints requests per second
on each side and their ratio; the target is at least 0.7.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
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


def floor_app() -> FastAPI:
    """The minimal app: ``GET /v1/accounts/{uid}/eligibility`` answers the body recorded
    for ``uid`` (``uvicorn --factory bench.http_ratio:floor_app``)."""
    recorded = json.loads(Path(os.environ[_BODIES_ENV]).read_text(encoding="utf-8"))
    bodies = {uid: body.encode() for uid, body in recorded.items()}
    app = FastAPI()

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/v1/accounts/{uid}/eligibility")
    async def eligibility(uid: str) -> Response:
        return Response(bodies[uid], media_type="application/json")

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
    return parser.parse_args()


def _record(base: str, uids: list[str], headers: dict[str, str]) -> dict[str, str]:
    with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
        bodies = {}
        for uid in uids:
            response = client.get(f"/v1/accounts/{uid}/eligibility")
            response.raise_for_status()
            bodies[uid] = response.text
    return bodies


def _merge(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Rounds of one side as one row: medians of the rounds, throughput over their sum."""
    count = sum(r["count"] for r in runs)
    wall = sum(r["count"] / r["per_second"] for r in runs)
    merged = {key: sorted(r[key] for r in runs)[len(runs) // 2] for key in runs[0]}
    return {**merged, "count": count, "per_second": round(count / wall, 1)}


def main() -> int:
    from bench.eligibility import sqlite_ledger
    from bench.over_http import agent_headers, measure_http, running_api

    args = _arguments()
    OUT.mkdir(parents=True, exist_ok=True)
    rng = random.Random(11)
    uids = list(ledger_gen.iter_uids(args.accounts))
    targets = [rng.choice(uids) for _ in range(args.requests)]
    headers = agent_headers()
    rows: dict[str, dict[str, Any]] = {}
    ratios: dict[int, float] = {}
    with sqlite_ledger(args.accounts) as url, running_api(url, workers=args.workers) as api:
        bodies = _record(api, sorted(set(targets)), headers)
        path = OUT / "floor-bodies.json"
        path.write_text(json.dumps(bodies), encoding="utf-8")
        size = sum(len(bodies[uid].encode()) for uid in targets) / len(targets)
        floor = {_BODIES_ENV: str(path)}
        with running_api(
            url, workers=args.workers, app="bench.http_ratio:floor_app", env=floor
        ) as minimal:
            for threads in args.concurrency:
                sides: dict[str, list[dict[str, Any]]] = {"api": [], "floor": []}
                for _ in range(args.rounds):
                    sides["api"].append(measure_http(api, targets, threads, headers))
                    sides["floor"].append(measure_http(minimal, targets, threads, headers))
                api_row, floor_row = _merge(sides["api"]), _merge(sides["floor"])
                rows[f"eligibility API, {threads} client(s)"] = api_row
                rows[f"minimal FastAPI, {threads} client(s)"] = floor_row
                ratios[threads] = api_row["per_second"] / floor_row["per_second"]
    _report(args, rows, ratios, size)
    return 0


def _report(
    args: argparse.Namespace,
    rows: dict[str, dict[str, Any]],
    ratios: dict[int, float],
    size: float,
) -> None:
    load = Path("/proc/loadavg").read_text(encoding="utf-8").split()[:3]
    print()
    print(table(rows))
    print(f"\nmean body {size:,.0f} bytes on both sides; load average {' '.join(load)}")
    for threads, ratio in ratios.items():
        verdict = "met" if ratio >= TARGET else "NOT met"
        print(f"{threads} client(s): API / minimal = {ratio:.2f}  (target >= {TARGET}: {verdict})")
    document = {
        "command": " ".join(["python -m bench.http_ratio", *sys.argv[1:]]),
        "accounts": args.accounts,
        "workers": args.workers,
        "load_average": load,
        "mean_body_bytes": round(size),
        "results": rows,
        "ratios": {str(k): round(v, 3) for k, v in ratios.items()},
    }
    out = OUT / "http-ratio.json"
    out.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    print(f"written {out}")


if __name__ == "__main__":
    raise SystemExit(main())
