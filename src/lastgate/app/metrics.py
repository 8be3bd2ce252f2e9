"""Prometheus metrics of the API and the worker (docs/operations.md lists each one and
the alerts to set on them).

The gauges are computed when scraped, from the database, one cheap query per family:
they are the truth in the tables, the same for every process, so any one API process or
worker can be scraped. Each process adds its own request-latency histogram.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from wsgiref.simple_server import WSGIServer

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Histogram,
    generate_latest,
    start_http_server,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import Connection, Engine, and_, case, func, or_, select
from sqlalchemy.exc import SQLAlchemyError

from lastgate.app.transition_metrics import ProcessTransitions, count_transitions
from lastgate.campaign.adapters.tables import campaign_members, campaigns
from lastgate.campaign.model import CAMPAIGN_LIFECYCLE, CampaignEvent, CampaignState
from lastgate.closure.adapters.tables import closure_requests, outbox, verification_attempts
from lastgate.closure.model.lifecycle import ClosureState
from lastgate.desk.adapters.tables import tickets
from lastgate.desk.model.tickets import UNRESOLVED_STATES, TicketState
from lastgate.erasure.adapters.tables import erasure_runs
from lastgate.kernel.clock import Clock
from lastgate.kernel.errors import NotAuthenticated
from lastgate.notices.adapters.delivery import EMAIL, SMS, WEBHOOK
from lastgate.platform.http.deps import ApiContext

#: Seconds; from a cached eligibility read to a slow page with a PDF.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
#: The signed certificate is stored as ``json.dumps`` output; a failed verification scan
#: reads exactly so (a quote inside a finding would be escaped, so it cannot match).
_SCAN_FAILED = '%"passed": false%'
CHANNELS = (EMAIL, SMS, WEBHOOK)


def _gauge(name: str, doc: str, labels: Iterable[str] = ()) -> GaugeMetricFamily:
    return GaugeMetricFamily(f"lastgate_{name}", doc, labels=list(labels))


def _single(name: str, doc: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(f"lastgate_{name}", doc, value=value)


def _closure_metrics(conn: Connection, clock: Clock) -> Iterator[Metric]:
    """Closure requests by state, and the age of the oldest closure that is due (its
    cooling-off ended, or its execution started) but not yet executed."""
    c = closure_requests.c
    counts = {s.value: 0 for s in ClosureState}
    for state, n in conn.execute(select(c.state, func.count()).group_by(c.state)):
        counts[state] = n
    by_state = _gauge("closure_requests", "Closure requests by state.", ["state"])
    for state, n in sorted(counts.items()):
        by_state.add_metric([state], n)
    yield by_state
    now = clock()
    due = or_(
        and_(c.state == ClosureState.COOLING_OFF.value, c.cooling_off_ends_at <= now),
        c.state == ClosureState.EXECUTING.value,
    )
    oldest = conn.execute(select(func.min(c.cooling_off_ends_at)).where(due)).scalar()
    age = max((now - oldest).total_seconds(), 0.0) if oldest is not None else 0.0
    yield _single(
        "closure_oldest_due_age_seconds",
        "Seconds since the oldest due, not yet executed closure became due (0 when none).",
        age,
    )


def _outbox_metrics(conn: Connection, clock: Clock) -> Iterator[Metric]:
    o = outbox.c
    now = clock()
    due = and_(o.voided_at.is_(None), o.failed_at.is_(None), o.deliver_after <= now)
    query = (
        select(
            o.channel,
            func.sum(case((due, 1), else_=0)),
            func.min(case((due, o.deliver_after), else_=None)),
            func.sum(case((o.failed_at.is_not(None), 1), else_=0)),
        )
        .where(o.delivered_at.is_(None))  # the due index's leading column
        .group_by(o.channel)
    )
    backlog = _gauge(
        "outbox_backlog", "Notices and webhooks due and not yet delivered.", ["channel"]
    )
    oldest = _gauge(
        "outbox_oldest_due_age_seconds",
        "Seconds the oldest undelivered notice or webhook has been due (0 when none).",
        ["channel"],
    )
    failed = _gauge(
        "outbox_failed", "Notices and webhooks given up on after every attempt.", ["channel"]
    )
    # Every channel always has its series, so an alert on it never sees "no data".
    rows = {channel: (0, None, 0) for channel in CHANNELS}
    rows |= {row[0]: tuple(row[1:]) for row in conn.execute(query)}
    for channel, (due_n, first_due, failed_n) in sorted(rows.items()):
        backlog.add_metric([channel], int(due_n or 0))
        age = (now - first_due).total_seconds() if first_due is not None else 0.0
        oldest.add_metric([channel], max(age, 0.0))
        failed.add_metric([channel], int(failed_n or 0))
    yield from (backlog, oldest, failed)


def _erasure_metrics(conn: Connection, clock: Clock) -> Iterator[Metric]:
    e = erasure_runs.c
    finished = e.finished_at.is_not(None)
    pending, oldest, issued, scan_failed = conn.execute(
        select(
            func.sum(case((finished, 0), else_=1)),
            func.min(case((finished, None), else_=e.started_at)),
            func.sum(case((finished, 1), else_=0)),
            func.sum(case((and_(finished, e.certificate.like(_SCAN_FAILED)), 1), else_=0)),
        )
    ).one()
    now = clock()
    age = max((now - oldest).total_seconds(), 0.0) if oldest is not None else 0.0
    for name, doc, value in (
        ("erasure_runs_pending", "Erasure runs started and not finished.", pending),
        ("erasure_oldest_pending_age_seconds", "Age of the oldest unfinished run.", age),
        ("certificates_issued", "Closure certificates issued (finished erasure runs).", issued),
        (
            "verification_scans_failed",
            "Certificates whose verification scan found the customer's data left.",
            scan_failed,
        ),
    ):
        yield _single(name, doc, float(value or 0))


def _ticket_metrics(conn: Connection) -> Iterator[Metric]:
    t = tickets.c
    counts = {s.value: 0 for s in TicketState}
    for state, n in conn.execute(select(t.state, func.count()).group_by(t.state)):
        counts[state] = n
    by_state = _gauge("tickets", "Desk tickets by state.", ["state"])
    for state, n in sorted(counts.items()):
        by_state.add_metric([state], n)
    yield by_state


def _sla_metrics(conn: Connection, clock: Clock) -> Iterator[Metric]:
    """Unresolved tickets past their first-response or resolution deadline."""
    t, now = tickets.c, clock()
    unresolved = t.state.in_([s.value for s in UNRESOLVED_STATES])
    first, resolution = conn.execute(
        select(
            func.sum(
                case((and_(t.first_response_at.is_(None), t.first_response_due < now), 1), else_=0)
            ),
            func.sum(case((t.resolution_due < now, 1), else_=0)),
        ).where(unresolved)
    ).one()
    breached = _gauge(
        "tickets_sla_breached", "Unresolved tickets past a deadline of their SLA.", ["deadline"]
    )
    breached.add_metric(["first_response"], int(first or 0))
    breached.add_metric(["resolution"], int(resolution or 0))
    yield breached


def _step_up_metrics(conn: Connection, clock: Clock) -> Iterator[Metric]:
    """Accounts whose step-up verification is locked now, and accounts with wrong codes
    counting towards a lock (the counter is per account, across requests and methods)."""
    v, now = verification_attempts.c, clock()
    locked, failing = conn.execute(
        select(
            func.sum(case((v.locked_until > now, 1), else_=0)),
            func.sum(case((v.failures > 0, 1), else_=0)),
        )
    ).one()
    yield _single("step_up_locked_accounts", "Accounts locked out of step-up now.", locked or 0)
    yield _single(
        "step_up_failing_accounts", "Accounts with wrong codes counting to a lock.", failing or 0
    )


def _campaign_metrics(conn: Connection) -> Iterator[Metric]:
    """Members of each live campaign (planned, in grace, closing) by status."""
    m, c = campaign_members.c, campaigns.c
    live = [s.value for s in CampaignState if CAMPAIGN_LIFECYCLE.allows(s, CampaignEvent.CANCEL)]
    query = (
        select(c.id, m.status, func.count())
        .join(campaign_members, m.campaign_id == c.id)
        .where(c.state.in_(live))
        .group_by(c.id, m.status)
    )
    members = _gauge(
        "campaign_members", "Members of each live campaign, by status.", ["campaign", "status"]
    )
    for campaign_id, status, n in conn.execute(query):
        members.add_metric([campaign_id, status], n)
    yield members


class DatabaseGauges(Collector):
    """The gauges above, read at scrape time. When the database does not answer, only
    ``lastgate_metrics_database_up 0`` is exported, so an alert can fire on it."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    def collect(self) -> Iterator[Metric]:
        try:
            with self._engine.connect() as conn:
                families = [
                    *_closure_metrics(conn, self._clock),
                    *_outbox_metrics(conn, self._clock),
                    *_erasure_metrics(conn, self._clock),
                    *_ticket_metrics(conn),
                    *_sla_metrics(conn, self._clock),
                    *_step_up_metrics(conn, self._clock),
                    *_campaign_metrics(conn),
                ]
        except SQLAlchemyError:
            yield _single("metrics_database_up", "1 when the gauges could be read.", 0)
            return
        yield _single("metrics_database_up", "1 when the gauges could be read.", 1)
        yield from families


@dataclass(frozen=True)
class Metrics:
    """One process's registry: the database gauges and its request-latency histogram."""

    registry: CollectorRegistry
    latency: Histogram


def build_metrics(engine: Engine, clock: Clock) -> Metrics:
    """A registry of its own per app or worker (not the global one), so several apps in
    one process (as in the tests) do not collide."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(DatabaseGauges(engine, clock))
    registry.register(ProcessTransitions())
    count_transitions()
    latency = Histogram(
        "lastgate_http_request_duration_seconds",
        "HTTP request duration, by method, route template and status class.",
        ["method", "route", "status"],
        buckets=LATENCY_BUCKETS,
        registry=registry,
    )
    return Metrics(registry, latency)


def serve_worker_metrics(
    engine: Engine, clock: Clock, port: int, address: str = "127.0.0.1"
) -> WSGIServer:
    """The worker's metrics (the database gauges) on ``address:port``, served by a daemon
    thread; returns the server so that a caller may shut it down."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(DatabaseGauges(engine, clock))
    registry.register(ProcessTransitions())
    count_transitions()
    server, _thread = start_http_server(port, addr=address, registry=registry)
    return server


router = APIRouter(tags=["operations"], include_in_schema=False)


@router.get("/metrics")
def scrape(request: Request) -> Response:
    """The Prometheus exposition. Open unless ``LASTGATE_METRICS_TOKEN`` is set; then it
    takes ``Authorization: Bearer <that token>`` (docs/operations.md)."""
    context: ApiContext = request.app.state.context
    token = context.settings.metrics_token
    if token is not None:
        given = request.headers.get("authorization", "")
        expected = f"Bearer {token.get_secret_value()}"
        if not hmac.compare_digest(given.encode(), expected.encode()):
            raise NotAuthenticated("the metrics endpoint takes the metrics bearer token")
    metrics: Metrics = request.app.state.metrics
    return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)
