"""The erasure use case: advance every pending plan to its certificate. The steps
themselves, each one committed transaction, are the port's."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from lastgate.erasure.ports import ErasureRuns, FaultHook

log = logging.getLogger("lastgate.erasure")


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
        try:
            outcome, steps = runs.advance(run_id, fault)
        except Exception:
            event = {"event": "erasure.run_failed", "run_id": run_id}
            log.error("erasure.run_failed", extra=event, exc_info=True)
            raise  # the steps committed so far stay done; the next pass resumes the run
        report.steps += steps
        done = {"event": f"erasure.run_{outcome}", "run_id": run_id, "steps": steps}
        log.info(f"erasure.run_{outcome}", extra=done)
        if outcome == "finished":
            report.finished.append(run_id)
        elif outcome == "waiting":
            report.waiting.append(run_id)
    return report
