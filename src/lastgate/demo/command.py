"""``lastgate demo``: a fresh demo database, a guided list of customers, and the API."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta
from pathlib import Path

import typer
from sqlalchemy import Engine

from lastgate.kernel.access import Role
from lastgate.kernel.clock import Clock, system_clock
from lastgate.kernel.settings import Settings
from lastgate.ledger.adapters.snapshot_io import import_snapshot
from lastgate.platform.auth_tokens import issue_token
from lastgate.platform.db.engine import make_engine, migrate

TOKEN_TTL = timedelta(hours=12)


def demo_settings(database: Path, port: int) -> Settings:
    """The demo's settings: a SQLite file, the mailbox beside it, the demo sign-in, and
    the public URL of the port it serves on, which every link in a notice starts with."""
    return Settings(
        database_url=f"sqlite:///{database}",
        mailbox_dir=database.parent / "mailbox",
        demo_login=True,
        development=True,
        public_base_url=f"http://127.0.0.1:{port}",
    )


def _ttl(settings: Settings, role: Role) -> timedelta:
    """The demo's token lifetime, within the role's cap."""
    return min(TOKEN_TTL, settings.token_lifetime_cap(role))


def _hours(settings: Settings, role: Role) -> str:
    return f"{_ttl(settings, role).total_seconds() / 3600:g}"


def run_demo(*, database: Path, port: int, serve_api: bool) -> None:
    """Recreate ``database`` with the demo customers, print how to try it, then serve."""
    from lastgate.demo.customers import demo_descriptions, demo_snapshot

    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    settings = demo_settings(database, port)
    mailbox, base = settings.mailbox_dir, settings.public_base_url
    engine = make_engine(settings.database_url)
    migrate(engine)
    now = system_clock()
    snapshot = demo_snapshot(now)
    import_snapshot(engine, snapshot)

    typer.echo(f"Demo database: {database} ({len(snapshot.accounts)} customers)\n")
    for uid, description in demo_descriptions().items():
        typer.echo(f"  {uid:28} {description}")
    agent = issue_token(settings, "agent-ada", Role.AGENT, _ttl(settings, Role.AGENT), now)
    compliance = issue_token(
        settings, "compliance-cy", Role.COMPLIANCE, _ttl(settings, Role.COMPLIANCE), now
    )
    customer_uid = "DEMO-ACTIVE-TRADER"
    customer = issue_token(
        settings, customer_uid, Role.CUSTOMER, _ttl(settings, Role.CUSTOMER), now
    )
    hours = f"{_hours(settings, Role.CUSTOMER)} h, staff {_hours(settings, Role.AGENT)} h"
    typer.echo(
        f"""
Tokens (valid {hours}; signed with LASTGATE_JWT_SECRET, a development key unless set):
  agent       {agent}
  compliance  {compliance}
  customer    {customer}   ({customer_uid})
  any other:  lastgate token issue UID --role customer|agent|compliance

Try it:
  curl -s -H "Authorization: Bearer {customer}" {base}/v1/accounts/{customer_uid}/eligibility
  curl -s -H "Authorization: Bearer {agent}" -H "Accept-Language: zh-CN" \\
       {base}/v1/accounts/DEMO-COMPLIANCE-REVIEW/eligibility
  LASTGATE_DATABASE_URL=sqlite:///{database} lastgate check DEMO-STUCK
  API reference: {base}/docs
  Web pages:     {base}/web/demo-login (pick a customer or staff member)

Notices (e-mail and SMS) land in {mailbox}/; a worker runs beside the API, executing
closures whose cooling-off ends and delivering notices. Not to wait days, end a
cooling-off or a security change's wait (DEMO-STUCK) on the demo page ("Demo clock").
"""
    )
    if not serve_api:
        return
    import uvicorn

    from lastgate.app.api import create_app

    stop = threading.Event()
    worker = threading.Thread(target=demo_worker, args=(settings, engine, stop), daemon=True)
    worker.start()
    try:
        uvicorn.run(create_app(settings, engine=engine), host="127.0.0.1", port=port)
    finally:
        stop.set()


def demo_worker(
    settings: Settings, engine: Engine, stop: threading.Event, clock: Clock = system_clock
) -> None:
    """The demo's worker: the same passes as ``lastgate worker``, in a thread, every
    ``worker_poll_seconds`` until ``stop`` is set (a cooling-off ended on the demo page
    is closed, then erased, within a few passes)."""
    from lastgate.app.worker import Passes, run_once

    passes = Passes.build(settings, engine, clock)  # once, as ``lastgate worker`` does
    while not stop.wait(settings.worker_poll_seconds):
        try:
            run_once(settings, engine, clock, passes)
        except Exception:  # keep the demo alive; the error is in the log
            logging.getLogger("lastgate.demo").exception("worker pass failed")
