"""State machines held as data: one table of moves, and every rule read from it.

A lifecycle is a table ``(state, event) → next state``. :class:`StateMachine` says what
may happen next, refuses the rest with a typed error (``ILLEGAL_TRANSITION``), and
derives the terminal and open states from the table, so that no other module lists them.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Mapping
from typing import Generic, TypeVar

from lastgate.kernel.errors import IllegalTransition

S = TypeVar("S", bound=Hashable)
E = TypeVar("E", bound=Hashable)


class StateMachine(Generic[S, E]):
    """The states of one lifecycle and the events that move between them.

    ``moves`` maps (state, event) to the next state. ``returns`` holds moves whose target
    is chosen when they happen, among a set (a hold lifted goes back to the state it was
    placed in). ``reopenings`` are events that bring a finished thing back (an appeal): a
    state left only through them still counts as terminal.
    """

    def __init__(
        self,
        states: Iterable[S],
        moves: Mapping[tuple[S, E], S],
        *,
        returns: Mapping[tuple[S, E], Collection[S]] | None = None,
        reopenings: Collection[E] = (),
        refusal: str = "cannot {event} from {state}",
        error: type[IllegalTransition] = IllegalTransition,
    ) -> None:
        self.states: tuple[S, ...] = tuple(states)
        self._moves = dict(moves)
        self._returns = {move: frozenset(to) for move, to in (returns or {}).items()}
        self._refusal, self._error = refusal, error
        edges: list[tuple[S, E, S]] = [(a, e, b) for (a, e), b in self._moves.items()]
        edges += [(a, e, b) for (a, e), to in self._returns.items() for b in to]
        unknown = {s for a, _, b in edges for s in (a, b)} - set(self.states)
        if unknown:
            raise ValueError(f"moves name states the machine does not have: {unknown}")
        table: dict[S, set[S]] = {s: set() for s in self.states}
        leaving: set[S] = set()
        for a, e, b in edges:
            table[a].add(b)
            if e not in reopenings:
                leaving.add(a)
        #: ``{state: {states it may move to}}``, reopenings included.
        self.table: Mapping[S, frozenset[S]] = {s: frozenset(n) for s, n in table.items()}
        #: States nothing leaves but a reopening: the thing is finished.
        self.terminal: frozenset[S] = frozenset(s for s in self.states if s not in leaving)
        #: States still under way.
        self.open: frozenset[S] = frozenset(self.states) - self.terminal

    def can(self, a: S, b: S) -> bool:
        """Whether some event moves ``a`` to ``b``."""
        return b in self.table.get(a, frozenset())

    def check(self, a: S, b: S) -> None:
        """Refuse a move from ``a`` to ``b`` that no event makes."""
        if not self.can(a, b):
            raise self._error(f"cannot move from {a} to {b}")

    def allows(self, state: S, event: E) -> bool:
        """Whether ``event`` can happen in ``state``."""
        return (state, event) in self._moves or (state, event) in self._returns

    def next(self, state: S, event: E, *, to: S | None = None) -> S:
        """The state ``event`` leads to from ``state``; the typed error if none.

        For a move among ``returns``, ``to`` names the state chosen, which must be one
        the move may reach.
        """
        target = self._moves.get((state, event))
        if target is not None:
            return target
        choices = self._returns.get((state, event), frozenset())
        if to is not None and to in choices:
            return to
        raise self._error(self._refusal.format(event=event, state=state))
