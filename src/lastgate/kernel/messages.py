"""Translatable messages: a gettext message id plus named parameters.

The domain produces ``Message`` values; entry points render them in the reader's
language. ``N_`` marks a literal for extraction by Babel without translating it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


def N_(msgid: str) -> str:
    """Mark ``msgid`` for extraction; translation happens at the edge."""
    return msgid


def N_plural(singular: str, plural: str) -> tuple[str, str]:
    """Mark a plural pair for extraction (``ngettext`` picks the form at the edge)."""
    return (singular, plural)


@dataclass(frozen=True, slots=True)
class Message:
    msgid: str
    params: dict[str, str] = field(default_factory=dict)

    def render_untranslated(self) -> str:
        return self.msgid.format(**self.params)
