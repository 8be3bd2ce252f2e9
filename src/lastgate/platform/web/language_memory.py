"""Remembering the language a customer uses on the pages, for the notices they get later.

The pages call ``remember_language`` where a customer acts: signing in, switching the
language (``?lang=``), writing to support or asking the assistant. The platform cannot
know the feature that keeps it (the notices' customer settings), so the composition root
puts a ``LanguageMemory`` among the app's services; who may change it (the customer,
never staff), and writing only when it differs, are that feature's rules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lastgate.kernel.access import Principal
from lastgate.platform.http.deps import ApiContext


@dataclass(frozen=True)
class LanguageMemory:
    """``remember(principal, language)``: keep ``language`` as the customer's own."""

    remember: Callable[[Principal, str], None]


def remember_language(context: ApiContext, principal: Principal | None, language: str) -> None:
    """Tell the app's ``LanguageMemory`` (when it has one) what ``principal`` acts in."""
    memory = context.services.get(LanguageMemory)
    if principal is not None and isinstance(memory, LanguageMemory):
        memory.remember(principal, language)
