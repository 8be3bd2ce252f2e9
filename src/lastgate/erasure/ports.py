"""The port the erasure use cases run plans through."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, Protocol

#: Called with each step's name once it is committed (the crash tests stop there).
FaultHook = Callable[[str], None]
#: What advancing one plan came to: all done, waiting (a notice still to deliver), or
#: busy (another worker holds it, or it finished meanwhile).
Outcome = Literal["finished", "waiting", "busy"]


class ErasureRuns(Protocol):
    """Erasure plans, one per closed customer, advanced step by committed step."""

    def unfinished(self, limit: int) -> list[str]:
        """The oldest unfinished plans' ids."""
        ...

    def advance(self, run_id: str, fault: FaultHook | None) -> tuple[Outcome, int]:
        """Run the plan's remaining steps; (outcome, steps done now)."""
        ...
