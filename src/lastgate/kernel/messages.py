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
    """``msgid`` with its parameters; with ``plural`` (a pair from ``N_plural``) it is a
    plural message whose form ``count`` picks (``ngettext``), ``{count}`` among params."""

    msgid: str
    params: dict[str, str] = field(default_factory=dict)
    plural: str = ""
    count: int = 1

    @classmethod
    def counted(cls, forms: tuple[str, str], count: int, **params: str) -> Message:
        """The plural message ``forms`` for ``count``: ``{count}`` is filled in too."""
        singular, plural = forms
        return cls(singular, {"count": str(count), **params}, plural=plural, count=count)

    def render_untranslated(self) -> str:
        text = self.plural if self.plural and self.count != 1 else self.msgid
        return text.format(**self.params)
