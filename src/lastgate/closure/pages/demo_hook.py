"""The demo's hook into the self-check: which cards lead to the demo exchange, where a
demo customer does in one step what they would do on the exchange itself. The app's
wiring puts one in the pages' context (a service by type): the demo exchange's with
``demo_login`` on, ``NO_DEMO_EXCHANGE`` otherwise, so that the closure pages never
depend on the demo (``lastgate.demo``) and production never shows the link."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lastgate.eligibility.model.report import CustomerReport


@dataclass(frozen=True, slots=True)
class DemoExchangeLink:
    """``cards``: the check codes (their values) of a report whose cards lead there;
    ``url``: where they lead."""

    cards: Callable[[CustomerReport], frozenset[str]]
    url: str


def _no_cards(report: CustomerReport) -> frozenset[str]:
    return frozenset()


#: Outside the demo: no card leads to a demo exchange.
NO_DEMO_EXCHANGE = DemoExchangeLink(cards=_no_cards, url="")
