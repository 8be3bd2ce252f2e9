"""The demo's hook into the self-check: which cards lead to the demo page, where a demo
customer does in one step what would take them to the exchange itself, or days of
waiting. The app's wiring puts one in the pages' context (a service by type): the demo's
with ``demo_login`` on, ``NO_DEMO_WAYS`` otherwise, so that the closure pages never
depend on the demo (``lastgate.demo``) and production never shows the link."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from lastgate.eligibility.model.report import CustomerReport


@dataclass(frozen=True, slots=True)
class DemoWay:
    """Where a card leads in the demo: ``hint`` says what the demo does instead,
    ``label`` is the link's, both message ids (``N_``); ``url`` is where it leads."""

    hint: str
    label: str
    url: str


@dataclass(frozen=True, slots=True)
class DemoWays:
    """``cards``: for a report, the check codes (their values) whose cards lead to the
    demo page, each with its way there."""

    cards: Callable[[CustomerReport], Mapping[str, DemoWay]]


def _no_cards(report: CustomerReport) -> Mapping[str, DemoWay]:
    return {}


#: Outside the demo: no card leads to a demo page.
NO_DEMO_WAYS = DemoWays(cards=_no_cards)
