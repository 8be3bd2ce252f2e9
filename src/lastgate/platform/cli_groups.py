"""Command groups loaded when used: ``lastgate --help`` and ``lastgate check`` do not
import the campaign, desk or certificate code (nor the PDF library) they never run.

A lazy group is named in its parent with where it lives (``"module:attribute"``, a
``typer.Typer``) and its one-line help, which lives only here; the group is imported the
first time a command of it is resolved (``lastgate campaign start …``, ``lastgate campaign
--help``). Listing the parent's commands shows the help without importing anything.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, ClassVar

import typer
from typer import _click as click  # Typer vendors its click; its types are these
from typer.core import TyperGroup


@dataclass(frozen=True)
class LazyGroup:
    """A sub-command group: the ``typer.Typer`` at ``target`` (``"pkg.module:name"``)."""

    target: str
    help: str

    def load(self, name: str) -> TyperGroup:
        module, _, attribute = self.target.partition(":")
        sub_app = getattr(importlib.import_module(module), attribute)
        if not isinstance(sub_app, typer.Typer):
            raise TypeError(f"{self.target} is not a typer.Typer")
        group = typer.main.get_group(sub_app)
        group.name = name
        group.help = group.help or self.help
        return group


class LazyTyperGroup(TyperGroup):
    """A ``TyperGroup`` whose ``lazy`` groups are imported on first use. Subclass it with
    ``lazy = {"name": LazyGroup(...)}`` and pass the subclass as ``typer.Typer(cls=...)``."""

    lazy: ClassVar[dict[str, LazyGroup]] = {}
    _listing = False

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*super().list_commands(ctx), *(n for n in self.lazy if n not in self.commands)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        loaded = super().get_command(ctx, cmd_name)
        if loaded is not None or cmd_name not in self.lazy:
            return loaded
        if self._listing:  # the parent's help only needs the name and the line of help
            return TyperGroup(name=cmd_name, help=self.lazy[cmd_name].help)
        group = self.lazy[cmd_name].load(cmd_name)
        self.add_command(group, cmd_name)
        return group

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> Any:
        self._listing = True
        try:
            return super().format_help(ctx, formatter)
        finally:
            self._listing = False
