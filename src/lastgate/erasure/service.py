"""The erasure use case: advance every pending plan to its certificate. The steps
themselves, each one committed transaction, are the port's."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from lastgate.erasure.ports import ErasureRuns, FaultHook


@dataclass
class RunReport:
    """What one pass did: plans finished, plans waiting, steps committed."""

    finished: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)
    steps: int = 0


def run_pending(
    runs: ErasureRuns,
    *,
    limit: int = 20,
    fault: FaultHook | None = None,
    shuffle: Callable[[list[str]], None] = random.shuffle,
) -> RunReport:
    """Advance every unfinished erasure as far as it can go; safe with several workers."""
    report = RunReport()
    run_ids = runs.unfinished(limit)
    # Several workers list the same oldest runs; each takes them in its own order so they
    # spread out instead of queueing behind one another's row lock step after step.
    shuffle(run_ids)
    for run_id in run_ids:
        outcome, steps = runs.advance(run_id, fault)
        report.steps += steps
        if outcome == "finished":
            report.finished.append(run_id)
        elif outcome == "waiting":
            report.waiting.append(run_id)
    return report
