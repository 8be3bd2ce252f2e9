"""Fault injection for the crash tests: a process dies at a named step when told to."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable

FaultHook = Callable[[str], None]

log = logging.getLogger("lastgate.worker")

#: Testing only: the name of a point in execution where the process dies at once, as a
#: crash would (``claimed`` or ``before_commit``). Used by the crash-and-resume tests.
CRASH_AT_ENV = "LASTGATE_CRASH_AT"


def crash_hook() -> FaultHook:
    """A hook that kills the process at the point ``LASTGATE_CRASH_AT`` names, if any."""
    point = os.environ.get(CRASH_AT_ENV)

    def fault(at: str) -> None:
        if at == point:
            log.error("crashing at %s (%s is set)", at, CRASH_AT_ENV)
            os._exit(70)

    return fault
