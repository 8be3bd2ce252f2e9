"""Latency summaries and the printed table."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import Any


def summarise(latencies_s: Sequence[float], wall_s: float) -> dict[str, Any]:
    """Median, p99 and max in milliseconds, and throughput over the wall time."""
    ordered = sorted(latencies_s)
    p99 = ordered[min(len(ordered) - 1, max(0, round(0.99 * len(ordered)) - 1))]
    return {
        "count": len(ordered),
        "median_ms": round(statistics.median(ordered) * 1000, 3),
        "p99_ms": round(p99 * 1000, 3),
        "max_ms": round(ordered[-1] * 1000, 3),
        "per_second": round(len(ordered) / wall_s, 1) if wall_s > 0 else None,
    }


def table(rows: dict[str, dict[str, Any]]) -> str:
    """A fixed-width table: one line per measurement."""
    header = (
        f"{'measurement':<38}{'n':>7}{'median ms':>11}{'p99 ms':>10}{'max ms':>10}{'per s':>10}"
    )
    lines = [header, "-" * len(header)]
    for name, s in rows.items():
        lines.append(
            f"{name:<38}{s['count']:>7}{s['median_ms']:>11.3f}{s['p99_ms']:>10.3f}"
            f"{s['max_ms']:>10.3f}{s['per_second'] or 0:>10.1f}"
        )
    return "\n".join(lines)
