"""The presentation layer in the templates: ``lastgate.kernel.present`` as Jinja filters
and globals, each in the page's language (the ``language`` every page renders with) and
against the page's clock (``now``).

Filters: ``label(kind)``, ``amount(asset)``, ``money``, ``date``, ``when`` (date and time),
``when_relative`` (date and time with "in 6 days"), ``relative``, ``countdown``,
``listing`` (words as a list: ``a, b and c`` / ``a、b和c``).
Globals: ``ngettext(singular, plural, count, **params)`` (extracted as a plural),
``sentences(*texts)`` (sentences joined as the language writes them),
``evidence_columns(rows)``, ``evidence_cell(field, row)``, ``label(kind, code)``.
The macros in ``templates/macros.html`` (``evidence_table``, ``code_ref``, ``steps``)
build on them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from lastgate.kernel import present
from lastgate.kernel.i18n import ENGLISH
from lastgate.kernel.present.formats import Number
from lastgate.kernel.present.formats import listing as _listing


def _lang(ctx: Context) -> str:
    return str(ctx.get("language") or ENGLISH)


def _now(ctx: Context) -> datetime:
    now = ctx.get("now")
    if not isinstance(now, datetime):
        raise TypeError("the page renders without its clock (now)")
    return now


@pass_context
def label(ctx: Context, code: object, kind: str) -> str:
    return present.label(kind, code, _lang(ctx))


@pass_context
def label_global(ctx: Context, kind: str, code: object) -> str:
    return present.label(kind, code, _lang(ctx))


@pass_context
def amount(ctx: Context, value: Number, asset: str | None = None) -> str:
    return present.amount(value, _lang(ctx), asset)


@pass_context
def money(ctx: Context, value: Number) -> str:
    return present.money(value, _lang(ctx))


@pass_context
def threshold(ctx: Context, value: Number) -> str:
    return present.threshold(value, _lang(ctx))


@pass_context
def date(ctx: Context, moment: datetime | None) -> str:
    return "" if moment is None else present.date(moment, _lang(ctx))


@pass_context
def when(ctx: Context, moment: datetime | None) -> str:
    return "" if moment is None else present.datetime_text(moment, _lang(ctx))


@pass_context
def when_relative(ctx: Context, moment: datetime | None) -> str:
    return "" if moment is None else present.when(moment, _now(ctx), _lang(ctx))


@pass_context
def relative(ctx: Context, moment: datetime | None) -> str:
    return "" if moment is None else present.relative(moment, _now(ctx), _lang(ctx))


@pass_context
def countdown(ctx: Context, moment: datetime | None) -> str:
    return "" if moment is None else present.countdown(moment, _now(ctx), _lang(ctx))


@pass_context
def listing(ctx: Context, items: list[str]) -> str:
    return _listing(list(items), _lang(ctx))


@pass_context
def ngettext(ctx: Context, singular: str, plural: str, count: int, **params: Any) -> str:
    return present.plural(singular, plural, count, _lang(ctx), **params)


@pass_context
def sentences(ctx: Context, *texts: str) -> Markup:
    """Each text escaped unless it is markup already (a translation), then joined."""
    return Markup(present.sentences([escape(text) for text in texts], _lang(ctx)))


@pass_context
def evidence_cell(ctx: Context, field: str, row: dict[str, str]) -> str:
    return present.evidence_cell(field, row, _lang(ctx))


def install(env: Environment) -> None:
    """Register the layer's filters and globals in the pages' template environment."""
    env.filters.update(
        label=label,
        amount=amount,
        money=money,
        threshold=threshold,
        date=date,
        when=when,
        when_relative=when_relative,
        relative=relative,
        countdown=countdown,
        listing=listing,
    )
    env.globals.update(
        ngettext=ngettext,
        sentences=sentences,
        label=label_global,
        evidence_cell=evidence_cell,
        evidence_columns=present.evidence_columns,
    )
