"""A campaign's report: one CSV row per member, and a self-contained HTML page with two
inline SVG charts (blocking codes as bars, the funnel over time as lines), each with a
text table beside it. Reads only; rendered server-side (Jinja2), no script, no fetch."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import Engine

from lastgate.campaign.adapters.sql import SqlCampaigns, members_with_closures
from lastgate.campaign.model import Campaign, FunnelPoint, MemberStatus, funnel_point

TEMPLATES = Path(__file__).parent / "templates"
CSV_HEADER = (
    "uid",
    "jurisdiction",
    "status",
    "outcome",
    "blocking_codes",
    "closure_id",
    "closure_state",
    "notified_at",
    "reminders",
)
SUPPORT_SHOWN = 200
#: The funnel's lines: (label, statuses added up), in the order a member goes.
SERIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("told (withdraw-only)", ("notified",)),
    ("closure opened", ("closure_submitted", "already_closing")),
    ("closed", ("closed", "closed_by_customer")),
    ("listed for support", ("support",)),
)
COLOURS = ("#1f5fa8", "#b26b00", "#2e7d32", "#b3261e", "#6a1b9a")

_env = Environment(
    loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]), trim_blocks=True
)


def write_csv(engine: Engine, campaign_id: str, out: TextIO) -> int:
    """One row per member, in UID order; returns the rows written."""
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    n = 0
    with engine.connect() as conn:
        SqlCampaigns(conn).get(campaign_id)
        for member, closure_state in members_with_closures(conn, campaign_id):
            writer.writerow(
                (
                    member.uid,
                    member.jurisdiction,
                    member.status.value,
                    member.outcome,
                    " ".join(member.codes) if member.outcome == "block" else "",
                    member.closure_id or "",
                    closure_state or "",
                    member.notified_at.isoformat() if member.notified_at else "",
                    member.reminders,
                )
            )
            n += 1
    return n


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    y: float
    width: float


@dataclass(frozen=True)
class Line:
    label: str
    colour: str
    points: str  # SVG polyline points
    values: tuple[int, ...]
    dots: tuple[tuple[float, float, int], ...]


def render_html(engine: Engine, campaign_id: str, now: datetime) -> str:
    with engine.connect() as conn:
        store = SqlCampaigns(conn)
        campaign = store.get(campaign_id)
        statuses, outcomes, codes = store.counts(campaign_id)
        current = funnel_point("now", now, statuses, outcomes, codes)
        points = [*store.funnel(campaign_id), current]
        support = [
            (member, state)
            for member, state in _first(
                members_with_closures(conn, campaign_id, status=MemberStatus.SUPPORT.value),
                SUPPORT_SHOWN,
            )
        ]
    return _env.get_template("campaign_report.html").render(
        campaign=campaign,
        now=now,
        current=current,
        points=points,
        bars=_bars(current),
        bar_chart=BAR_CHART,
        lines=_lines(points),
        line_chart=LINE_CHART,
        x_labels=_x_labels(points),
        series=SERIES,
        support=support,
        support_total=current.by_status.get(MemberStatus.SUPPORT.value, 0),
        report=campaign.report,
        statuses=[s.value for s in MemberStatus],
    )


def _first(items: Iterator[Any], n: int) -> Iterator[Any]:
    for i, item in enumerate(items):
        if i >= n:
            return
        yield item


# -- chart geometry -----------------------------------------------------------------------

BAR_CHART = {"width": 640, "label_width": 190, "bar_height": 22, "gap": 8, "top": 10}
LINE_CHART = {"width": 640, "height": 260, "left": 48, "right": 44, "top": 16, "bottom": 56}


def _bars(point: FunnelPoint) -> list[Bar]:
    c = BAR_CHART
    most = max(point.by_code.values(), default=0) or 1
    room = c["width"] - c["label_width"] - 60
    return [
        Bar(code, n, c["top"] + i * (c["bar_height"] + c["gap"]), max(1.0, room * n / most))
        for i, (code, n) in enumerate(point.by_code.items())
    ]


def _value(point: FunnelPoint, statuses: tuple[str, ...]) -> int:
    return sum(int(point.by_status.get(s, 0)) for s in statuses)


def _x(i: int, count: int) -> float:
    c = LINE_CHART
    span = c["width"] - c["left"] - c["right"]
    return c["left"] + (span * i / (count - 1) if count > 1 else span / 2)


def _y(value: int, top: int) -> float:
    c = LINE_CHART
    span = c["height"] - c["top"] - c["bottom"]
    return c["top"] + span * (1 - value / top)


def _top(points: list[FunnelPoint]) -> int:
    return max((p.members for p in points), default=0) or 1


def _lines(points: list[FunnelPoint]) -> list[Line]:
    top = _top(points)
    lines = []
    for (label, statuses), colour in zip(SERIES, COLOURS, strict=False):
        values = tuple(_value(p, statuses) for p in points)
        dots = tuple(
            (round(_x(i, len(points)), 1), round(_y(v, top), 1), v) for i, v in enumerate(values)
        )
        lines.append(Line(label, colour, " ".join(f"{x},{y}" for x, y, _ in dots), values, dots))
    return lines


def _x_labels(points: list[FunnelPoint]) -> list[dict[str, Any]]:
    top = _top(points)
    return [
        {
            "x": round(_x(i, len(points)), 1),
            "step": p.step.split(" ")[0],
            "date": p.at.strftime("%Y-%m-%d"),
            "top": top,
        }
        for i, p in enumerate(points)
    ]


def campaign_title(campaign: Campaign) -> str:
    return f"{campaign.name} ({campaign.jurisdiction or 'list of UIDs'})"
