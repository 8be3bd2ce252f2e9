"""Closure transitions per kind and the time spent in each state, counted in-process from
the one ``closure.transition`` event the closure service logs at its one transition
function — so no use case carries metrics code of its own.

The counts are per process (sum them across processes) and, like the log event, are
taken inside the transition's transaction: a transition rolled back afterwards (a
worker that lost a race) is counted too. The database gauges are the exact state.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import Metric
from prometheus_client.registry import Collector

#: From a draft submitted in seconds to a 14-day cooling-off and a review that waits.
STATE_BUCKETS = (
    1.0,
    60.0,
    600.0,
    3600.0,
    6 * 3600.0,
    86400.0,
    3 * 86400.0,
    14 * 86400.0,
    30 * 86400.0,
)

_PROCESS = CollectorRegistry(auto_describe=False)
TRANSITIONS = Counter(
    "lastgate_closure_transitions",
    "Closure transitions in this process, by transition and the state reached.",
    ["transition", "to_state"],
    registry=_PROCESS,
)
TIME_IN_STATE = Histogram(
    "lastgate_closure_state_duration_seconds",
    "Time a closure request spent in a state, observed when it left it.",
    ["state"],
    buckets=STATE_BUCKETS,
    registry=_PROCESS,
)


class _CountTransitions(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        if getattr(record, "event", None) != "closure.transition":
            return
        fields = record.__dict__  # the ``extra`` of the log call
        TRANSITIONS.labels(str(fields["transition"]), str(fields["to_state"])).inc()
        before, seconds = (
            getattr(record, "from_state", None),
            getattr(record, "seconds_in_state", None),
        )
        if before is not None and seconds is not None:
            TIME_IN_STATE.labels(before).observe(max(float(seconds), 0.0))


class ProcessTransitions(Collector):
    """The process's transition counters, for each app's or worker's own registry."""

    def collect(self) -> Iterator[Metric]:
        yield from _PROCESS.collect()


def count_transitions() -> None:
    """Attach the counter to the closure logger, once per process; the logger must let
    INFO through for it even when no log output is configured."""
    logger = logging.getLogger("lastgate.closure")
    if not any(isinstance(h, _CountTransitions) for h in logger.handlers):
        logger.addHandler(_CountTransitions(level=logging.INFO))
    if logger.getEffectiveLevel() > logging.INFO:
        logger.setLevel(logging.INFO)
