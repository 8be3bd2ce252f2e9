"""The operator's command line: ``lastgate demo | check | ledger | serve | db | policy | token``.

Commands translate arguments into service calls and render results; errors leave with a
stable code on stderr and a non-zero exit status (1: account blocked, 2: error).
"""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, ClassVar

import typer

from lastgate.kernel.access import Principal, Role
from lastgate.platform.cli_groups import LazyGroup, LazyTyperGroup
from lastgate.platform.cli_support import EXIT_BLOCKED, EXIT_ERROR
from lastgate.platform.cli_support import cli_language as _language
from lastgate.platform.cli_support import open_engine as _engine
from lastgate.platform.cli_support import reported_errors as _errors

if TYPE_CHECKING:
    from lastgate.eligibility.model.report import CustomerReport, EligibilityReport

# Every import a command needs is made inside it, and the groups below are imported when
# used: a command starts in well under half a second (bench/cli_start.py).


class _Commands(LazyTyperGroup):
    lazy: ClassVar[dict[str, LazyGroup]] = {  # each group's one line of help lives here
        "closure": LazyGroup(
            "lastgate.closure.cli:closure_app", "Closure requests (staff operations)."
        ),
        "hold": LazyGroup(
            "lastgate.closure.cli:hold_app", "Legal holds and investigations (compliance)."
        ),
        "erasure": LazyGroup(
            "lastgate.erasure.cli.erasure:erasure_app", "Erasure of closed customers' data."
        ),
        "retention": LazyGroup(
            "lastgate.erasure.cli.erasure:retention_app",
            "The retention vault and the identifier quarantine.",
        ),
        "certificate": LazyGroup(
            "lastgate.erasure.cli.certificate:certificate_app",
            "Closure certificates: verify, public key, PDF.",
        ),
        "desk": LazyGroup(
            "lastgate.desk.cli:desk_app", "The appeals desk: tickets, appeals, recoveries (staff)."
        ),
        "export": LazyGroup(
            "lastgate.export.cli:export_app", "A customer's data export (GDPR art. 20)."
        ),
        "sweep": LazyGroup(
            "lastgate.eligibility.cli:sweep_app",
            "Eligibility of many accounts at once (set-based).",
        ),
        "campaign": LazyGroup(
            "lastgate.campaign.cli:campaign_app",
            "Forced offboarding campaigns (the platform leaves a market).",
        ),
    }


app = typer.Typer(
    cls=_Commands,
    help="lastgate: account closure, eligibility and appeals.",
    no_args_is_help=True,
)
ledger_app = typer.Typer(help="Load and dump the reference ledger as snapshot files.")
db_app = typer.Typer(help="Database schema.")
policy_app = typer.Typer(help="Jurisdiction policies.")
token_app = typer.Typer(help="Bearer tokens (for development and operators' scripts).")
app.add_typer(ledger_app, name="ledger")
app.add_typer(db_app, name="db")
app.add_typer(policy_app, name="policy")
app.add_typer(token_app, name="token")
audit_app = typer.Typer(help="The hash-chained audit log.")
app.add_typer(audit_app, name="audit")


@app.callback()
def _logs() -> None:
    from lastgate.platform.logs import configure_logging

    configure_logging()  # every command, ``serve`` and ``worker`` among them: JSON on stderr


Lang = Annotated[str, typer.Option("--lang", help="Language: en or zh (Simplified Chinese).")]


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply database migrations up to the latest."""
    from lastgate.kernel.settings import Settings

    _engine(Settings())
    typer.echo("database is up to date")


@policy_app.command("check")
def policy_check(
    folder: Annotated[Path | None, typer.Argument(help="Folder of *.toml policies.")] = None,
) -> None:
    """Validate a folder of policy files and list the jurisdictions it defines."""
    from lastgate.kernel.settings import Settings
    from lastgate.platform.policy_files import PolicyDirectory

    with _errors():
        book = PolicyDirectory.load(folder or Settings().policy_dir)
    for jurisdiction, policy in sorted(book.policies.items()):
        typer.echo(f"{jurisdiction:8} {policy.name}")


@app.command()
def check(
    uid: str,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    lang: Lang = "en",
    customer: Annotated[
        bool, typer.Option("--customer-view", help="Show only what the customer sees.")
    ] = False,
) -> None:
    """May account UID be closed now? Exit status 0 if it may, 1 if blocked or closed."""
    from lastgate.eligibility.model.closed import ClosedAccount
    from lastgate.eligibility.model.report import EligibilityReport
    from lastgate.eligibility.service import Eligibility
    from lastgate.erasure.adapters.console import IssuedCertificates
    from lastgate.kernel.clock import system_clock
    from lastgate.kernel.i18n import translate
    from lastgate.kernel.settings import Settings
    from lastgate.ledger.adapters.state_reader import LedgerStateReader
    from lastgate.ledger.model import CustomerStatus
    from lastgate.platform.policy_files import PolicyDirectory

    settings = Settings()
    language = _language(lang)
    engine = _engine(settings)
    # --customer-view reads as the account holder would, so the service picks the view.
    reader = Principal(uid, Role.CUSTOMER) if customer else Principal("operator", Role.AGENT)
    appeals = None
    if customer:  # a lock kept on appeal reads as in every customer view
        from lastgate.desk.wiring import lock_appeals

        appeals = lock_appeals(engine)
    with _errors():
        eligibility = Eligibility(
            LedgerStateReader(engine),
            PolicyDirectory.load(settings.policy_dir),
            system_clock,
            IssuedCertificates(engine),
            appeals,
        )
        report = eligibility.report_for(reader, uid)
    if as_json:
        from lastgate.eligibility.wire import report_json

        typer.echo(report_json(report, language))
    elif isinstance(report, ClosedAccount):
        typer.echo(f"{report.uid} ({report.jurisdiction}) at {report.checked_at.isoformat()}")
        typer.echo(f"closed: {translate(report.message, language)}")
    else:
        _print_report(report, language)
    closed = (
        isinstance(report, EligibilityReport) and report.account_status is CustomerStatus.CLOSED
    )
    if not report.eligible or closed:
        raise typer.Exit(EXIT_BLOCKED)


_MARK = {"pass": "ok    ", "block": "BLOCK ", "review": "REVIEW"}


def _print_report(report: EligibilityReport | CustomerReport, language: str) -> None:
    from lastgate.eligibility.model.report import CheckResult, CheckStatus, EligibilityReport
    from lastgate.kernel.i18n import translate
    from lastgate.ledger.model import CustomerStatus

    typer.echo(f"{report.uid} ({report.jurisdiction}) at {report.checked_at.isoformat()}")
    if isinstance(report, EligibilityReport) and report.account_status is CustomerStatus.CLOSED:
        typer.echo("account: CLOSED (it cannot be closed again; the checks are for reference)")
    typer.echo(f"outcome: {report.outcome.value}")
    for result in report.checks:
        message = translate(result.message, language)
        typer.echo(f"  {_MARK[result.status.value]} {result.code.value:20} {message}")
        if result.status is CheckStatus.PASS:
            continue
        fix = translate(result.remediation.message, language)
        if fix:
            typer.echo(f"         fix ({result.resolver.value}): {fix}")
        internal = result.internal_evidence if isinstance(result, CheckResult) else ()
        if isinstance(result, CheckResult) and result.detail.msgid:
            typer.echo(f"         detail: {translate(result.detail, language)}")
        for item in (*result.evidence, *internal):
            typer.echo("         - " + ", ".join(f"{k}={v}" for k, v in item.items()))


@ledger_app.command("import")
def ledger_import(
    file: Annotated[Path, typer.Argument(help="Snapshot JSON file; - for standard input.")],
) -> None:
    """Load a snapshot file; a file with any error is refused whole."""
    from lastgate.kernel.settings import Settings
    from lastgate.ledger.adapters.snapshot_io import import_snapshot, parse_snapshot

    settings = Settings()
    text = sys.stdin.buffer.read() if str(file) == "-" else _read(file)
    with _errors():
        snapshot = parse_snapshot(text)
        summary = import_snapshot(_engine(settings), snapshot)
    typer.echo(
        f"imported {summary.accounts} account(s), {summary.prices} price(s), {summary.rows} row(s)"
    )


def _read(file: Path) -> bytes:
    try:
        return file.read_bytes()
    except OSError as exc:
        typer.echo(f"error INVALID_INPUT: cannot read {file}: {exc.strerror}", err=True)
        raise typer.Exit(EXIT_ERROR) from None


@ledger_app.command("export")
def ledger_export(
    uids: Annotated[list[str], typer.Argument(help="One or more UIDs.")],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File to write.")] = None,
) -> None:
    """Write the snapshot of one or more accounts."""
    from lastgate.kernel.clock import system_clock
    from lastgate.kernel.settings import Settings
    from lastgate.ledger.adapters.snapshot_io import dump_snapshot, export_accounts

    settings = Settings()
    with _errors():
        snapshot = export_accounts(_engine(settings), uids, now=system_clock())
    text = dump_snapshot(snapshot)
    if output is None:
        typer.echo(text)
    else:
        output.write_text(text + "\n", encoding="utf-8")
        typer.echo(f"wrote {len(snapshot.accounts)} account(s) to {output}")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="TCP port.")] = None,
) -> None:
    """Serve the API (migrating the database first)."""
    import uvicorn

    from lastgate.app.api import create_app
    from lastgate.kernel.settings import Settings, ensure_safe_to_start

    settings = Settings()
    with _errors():
        ensure_safe_to_start(settings)
    engine = _engine(settings)
    uvicorn.run(
        create_app(settings, engine=engine),
        host=host or settings.host,
        port=port or settings.port,
        log_config=None,  # keep ours (JSON); the request id middleware logs each request
        access_log=False,  # its lines carry the client's address
    )


@token_app.command("issue")
def token_issue(
    subject: Annotated[str, typer.Argument(help="Customer UID, or staff id.")],
    role: Annotated[Role, typer.Option(help="customer, agent or compliance.")] = Role.CUSTOMER,
    ttl_minutes: Annotated[int, typer.Option(min=1, max=60 * 24 * 30)] = 60,
) -> None:
    """Print a signed bearer token (uses LASTGATE_JWT_SECRET), living at most the role's
    cap (LASTGATE_TOKEN_MAX_MINUTES_<ROLE>)."""
    from lastgate.kernel.clock import system_clock
    from lastgate.kernel.errors import InvalidInput
    from lastgate.kernel.settings import Settings
    from lastgate.platform.auth_tokens import issue_token

    settings, ttl = Settings(), timedelta(minutes=ttl_minutes)
    cap = settings.token_lifetime_cap(role)
    with _errors():
        if ttl > cap:
            raise InvalidInput(
                f"a {role.value} token lives at most {int(cap.total_seconds() // 60)} minutes "
                f"(LASTGATE_TOKEN_MAX_MINUTES_{role.name}); ask for a shorter --ttl-minutes",
                details=[{"path": "--ttl-minutes", "reason": "above_cap"}],
            )
    typer.echo(issue_token(settings, subject, role, ttl, system_clock()))


@app.command()
def demo(
    port: Annotated[int, typer.Option(help="TCP port to serve the demo on.")] = 8000,
    serve_api: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the API after loading.")
    ] = True,
    database: Annotated[Path, typer.Option(help="Demo SQLite file (recreated).")] = Path(
        "var/demo.db"
    ),
) -> None:
    """Create a demo database of customers covering every check, and serve the API."""
    from lastgate.demo.command import run_demo

    run_demo(database=database, port=port, serve_api=serve_api)


_CHECK_HELP = "Exit 0 only if the database answers, is migrated and work can be claimed."


@app.command()
def worker(
    once: Annotated[bool, typer.Option("--once", help="One pass, then exit.")] = False,
    check: Annotated[bool, typer.Option("--check", help=_CHECK_HELP)] = False,
) -> None:
    """Run the background work: campaigns' due steps, closures whose cooling-off ended,
    erasure plans, then notices and webhooks."""
    from lastgate.app.worker import check_command, run_forever, run_once
    from lastgate.kernel.settings import Settings, ensure_safe_to_start

    settings = Settings()
    if check:
        raise typer.Exit(check_command(settings, typer.echo))
    with _errors():
        ensure_safe_to_start(settings)
    engine = _engine(settings)
    with _errors():  # a bad policy file stops the worker at start, saying which and why
        if once:
            typer.echo(json.dumps(run_once(settings, engine)))
        else:
            run_forever(settings, engine)


@audit_app.command("verify")
def audit_verify() -> None:
    """Seal committed entries, then walk the whole audit chain against its head; exit 1
    and list each break if any entry was altered, removed, moved or inserted."""
    from lastgate.kernel.settings import Settings
    from lastgate.platform import audit_log

    check = audit_log.verify(_engine(Settings()))
    breaks, (seq, digest) = check.breaks, check.head
    if breaks:
        for item in breaks:
            typer.echo(f"entry {item.seq}: {item.problem}", err=True)
        typer.echo(f"audit chain BROKEN: {len(breaks)} problem(s)", err=True)
        raise typer.Exit(EXIT_BLOCKED)
    typer.echo(f"audit chain intact: {seq} entries, head {digest}")


def main() -> None:  # pragma: no cover - console entry (tests/e2e/test_cli_exit.py)
    from lastgate.platform.cli_support import run_and_leave

    run_and_leave(app)


if __name__ == "__main__":  # pragma: no cover
    main()
