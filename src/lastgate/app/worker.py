"""``lastgate worker``: executes due closures, runs offboarding campaigns' due work
(notices, reminders, the deadline), runs erasure, delivers the outbox and forgets
revoked tokens once they have expired, until stopped.

Any number of workers may run against one PostgreSQL database; they share the work
through row locks. Stop one with SIGTERM or Ctrl-C: it finishes the current batch.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from lastgate.app.metrics import serve_worker_metrics
from lastgate.campaign.service.campaigns import Campaigns
from lastgate.campaign.service.due_work import tick
from lastgate.campaign.wiring import campaigns_over
from lastgate.closure.adapters.sql import SqlClosures
from lastgate.closure.service.execution import execute_due
from lastgate.closure.service.workflow import Workflow
from lastgate.closure.wiring import build_workflow
from lastgate.erasure.wiring import run_pending
from lastgate.kernel.clock import Clock, system_clock
from lastgate.kernel.settings import Settings
from lastgate.notices.adapters.channels import channels_from_settings
from lastgate.notices.adapters.delivery import Channels, deliver_due
from lastgate.platform import audit_log, token_revocation
from lastgate.platform.db.engine import make_engine
from lastgate.platform.db.readiness import NotReady, readiness
from lastgate.platform.faults import crash_hook as _crash_hook

log = logging.getLogger("lastgate.worker")


@dataclass(frozen=True)
class Passes:
    """What every pass of a worker runs with, built once when it starts: the closure
    workflow with the policies read then (as the API reads them: an edited policy file
    takes effect on restart, docs/policy.md), the campaigns over it, the channels."""

    workflow: Workflow
    campaigns: Campaigns
    channels: Channels

    @classmethod
    def build(cls, settings: Settings, engine: Engine, clock: Clock = system_clock) -> Passes:
        workflow = build_workflow(settings, engine, clock)
        campaigns = campaigns_over(workflow, settings, engine, clock)
        return cls(workflow, campaigns, channels_from_settings(settings))


def run_once(
    settings: Settings,
    engine: Engine,
    clock: Clock = system_clock,
    passes: Passes | None = None,
) -> dict[str, int]:
    """One pass: campaigns' due work, closures due now, erasure, the outbox, the
    revocation list's expired rows, then sealing the audit entries written meanwhile.
    ``passes``: what a running worker built when it started (``Passes.build``, which a
    single pass without it builds for itself)."""
    passes = passes if passes is not None else Passes.build(settings, engine, clock)
    workflow = passes.workflow
    campaigns = tick(passes.campaigns, batch_size=settings.worker_batch_size, fault=_crash_hook())
    report = execute_due(workflow, limit=settings.worker_batch_size, fault=_crash_hook())
    figures = {f"campaign_{name}": n for name, n in campaigns.as_dict().items()}
    figures |= {
        "claimed": report.claimed,
        "closed": len(report.closed),
        "blocked": len(report.blocked),
        "skipped": len(report.skipped),
    }
    erasure = run_pending(
        engine,
        clock,
        settings,
        workflow.policies,
        limit=settings.worker_batch_size,
        fault=_crash_hook(),
    )
    figures["erased"] = len(erasure.finished)
    delivery = deliver_due(
        engine, clock, settings, passes.channels, limit=settings.worker_batch_size
    )
    figures["delivered"] = delivery.delivered
    figures["revocations_purged"] = token_revocation.purge_expired(
        engine, clock(), leeway_seconds=settings.jwt_leeway_seconds
    )
    figures["audit_sealed"] = audit_log.seal(engine)  # links this pass's audit entries
    return figures


def check(engine: Engine, clock: Clock = system_clock) -> NotReady | None:
    """``lastgate worker --check``: the database answers, is migrated to head, and this
    worker can claim due closures (the claim runs in a transaction rolled back, so
    nothing is taken). ``None`` when all three hold."""
    problem = readiness(engine)
    if problem is not None:
        return problem
    try:
        with engine.connect() as conn, conn.begin() as transaction:
            SqlClosures(conn).claim_due(clock(), 1)
            transaction.rollback()
    except (SQLAlchemyError, OSError) as exc:
        return NotReady("claim", f"cannot claim due closures ({type(exc).__name__})")
    return None


def check_command(settings: Settings, echo: Callable[..., object]) -> int:
    """``lastgate worker --check``'s exit status, with one line saying why. Opens the
    database without migrating it: a check must change nothing."""
    engine = make_engine(settings.database_url)
    try:
        problem = check(engine)
    finally:
        engine.dispose()
    if problem is not None:
        echo(f"worker NOT READY ({problem.part}): {problem.reason}", err=True)
        return 1
    echo("worker ready: database answers, migrations at head, work can be claimed")
    return 0


def run_forever(settings: Settings, engine: Engine) -> None:
    stop = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        log.info("worker.stopping", extra={"event": "worker.stopping", "signal": signum})
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    if settings.worker_metrics_port is not None:
        serve_worker_metrics(
            engine, system_clock, settings.worker_metrics_port, settings.worker_metrics_address
        )
    passes = Passes.build(settings, engine)  # a bad policy file stops it here, at start
    while not stop.is_set():
        try:
            figures = run_once(settings, engine, passes=passes)
            if any(figures.values()):
                log.info("worker.pass", extra={"event": "worker.pass", **figures})
        except Exception:  # a bad pass must not kill the worker; the next one retries
            log.exception("worker.pass_failed", extra={"event": "worker.pass_failed"})
        stop.wait(settings.worker_poll_seconds)
