"""Two API processes and two workers on one PostgreSQL database, as a deployment runs
them (docs/deployment.md): closures submitted through both APIs in turn reach their
certificates with every closure executed once, every notice and webhook sent once.

The processes are real (uvicorn and ``lastgate worker`` subprocesses, production
secrets, no development mode) and use the real clock, so the policy they read has no
cooling-off. A trigger the test puts on the outbox records every queue, claim and
delivery as PostgreSQL sees it: the rows themselves are erased with the customer.
"""

from __future__ import annotations

import base64
import email
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.policy import default as email_policy
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO, Any

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

import lastgate
from lastgate.erasure.adapters.certificate_signing import public_key_pem, verify
from lastgate.kernel.access import Role
from lastgate.kernel.settings import Settings
from lastgate.notices.adapters.webhook_signature import EVENT_ID_HEADER, SIGNATURE_HEADER
from lastgate.notices.adapters.webhook_signature import verify as verify_webhook
from lastgate.platform import audit_log
from lastgate.platform.auth_tokens import issue_token
from lastgate.platform.db.engine import make_engine, migrate
from tests.builders import account, load
from tests.conftest import POSTGRES_URL, REQUIRE_POSTGRES
from tests.live_server import free_port

LASTGATE = [sys.executable, "-m", "lastgate.app.cli"]
CUSTOMERS = ["U7001", "U7002", "U7003", "U7004"]
SECRETS = {
    "LASTGATE_JWT_SECRET": "j" * 48,
    "LASTGATE_WEBHOOK_SECRET": "w" * 48,
    "LASTGATE_MASTER_KEY": base64.b64encode(os.urandom(32)).decode(),
    "LASTGATE_CERTIFICATE_SIGNING_KEY": base64.b64encode(os.urandom(32)).decode(),
}
DEADLINE_SECONDS = 60  # a bound for a slow machine; it takes about 20 s
RATE_LIMITS = ("SIGN_IN", "OFFICIAL_CHECK", "ELIGIBILITY", "DEFAULT")

OUTBOX_LOG = """
CREATE TABLE test_outbox_log (
  outbox_id text, event_id text, channel text, topic text, event text,
  actor text DEFAULT current_setting('application_name')
);
CREATE FUNCTION test_outbox_log() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO test_outbox_log (outbox_id, event_id, channel, topic, event)
    VALUES (NEW.id, NEW.payload::json->>'id', NEW.channel, NEW.topic, 'queued');
  END IF;
  IF TG_OP = 'UPDATE' AND NEW.attempts > OLD.attempts THEN
    INSERT INTO test_outbox_log (outbox_id, event_id, channel, topic, event)
    VALUES (NEW.id, NEW.payload::json->>'id', NEW.channel, NEW.topic, 'claimed');
  END IF;
  IF TG_OP = 'UPDATE' AND NEW.delivered_at IS NOT NULL AND OLD.delivered_at IS NULL THEN
    INSERT INTO test_outbox_log (outbox_id, event_id, channel, topic, event)
    VALUES (NEW.id, NEW.payload::json->>'id', NEW.channel, NEW.topic, 'delivered');
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER test_outbox_log AFTER INSERT OR UPDATE ON outbox
  FOR EACH ROW EXECUTE FUNCTION test_outbox_log();
"""


@pytest.fixture
def database() -> Iterator[Engine]:
    """A fresh, migrated PostgreSQL database of this test's own, with the outbox log."""
    name = f"lastgate_procs_{uuid.uuid4().hex[:10]}"
    try:
        admin = make_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        if REQUIRE_POSTGRES:
            pytest.fail(f"PostgreSQL required but unreachable at {POSTGRES_URL}: {exc}")
        pytest.skip(f"PostgreSQL unreachable at {POSTGRES_URL}: {exc}")
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    try:
        migrate(engine)
        with engine.begin() as conn:
            conn.exec_driver_sql(OUTBOX_LOG)
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


class WebhookReceiver:
    """The exchange's endpoint: a real HTTP server that checks each signature and
    records every POST's event id and type, duplicates included."""

    def __init__(self) -> None:
        self.received: list[tuple[str, str]] = []
        self.bad_signatures = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                try:
                    verify_webhook(
                        SECRETS["LASTGATE_WEBHOOK_SECRET"], body, self.headers[SIGNATURE_HEADER]
                    )
                except ValueError:
                    receiver.bad_signatures += 1
                    self.send_response(400)
                else:
                    receiver.received.append(
                        (self.headers[EVENT_ID_HEADER], json.loads(body)["type"])
                    )
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/lastgate"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def email_of(uid: str) -> str:
    return f"{uid.lower()}@example.com"  # as tests/builders.py's account() writes it


def phone_of(uid: str) -> str:
    return f"+49151000{uid[1:]}"  # one number each: notices are counted per recipient


def no_cooling_off(folder: Path) -> Path:
    """The shipped policies with a cooling-off of zero days: the real clock need not wait."""
    folder.mkdir()
    for source in (Path(lastgate.__file__).parent / "policies").glob("*.toml"):
        policy = source.read_text()
        assert "cooling_off_days = 14" in policy, source
        (folder / source.name).write_text(
            policy.replace("cooling_off_days = 14", "cooling_off_days = 0")
        )
    return folder


class Processes:
    """Subprocesses with their output in files; all are killed on ``stop``."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.running: list[tuple[str, subprocess.Popen[bytes], IO[bytes]]] = []

    def start(self, name: str, command: list[str], env: dict[str, str]) -> None:
        out = (self.logs / f"{name}.log").open("wb")
        env = env | {"PGAPPNAME": name}  # libpq names the connection: who did what
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        self.running.append((name, process, out))

    def output(self) -> str:
        return "\n".join(
            f"--- {name} (exit {p.poll()}):\n{(self.logs / f'{name}.log').read_text()[-3000:]}"
            for name, p, _ in self.running
        )

    def stop(self) -> None:
        for _, process, _ in self.running:
            process.terminate()
        for _, process, out in self.running:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            out.close()


def wait_for(what: str, probe: Any, *, processes: Processes, deadline: float) -> Any:
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}\n{processes.output()}")


def mailbox_messages(mailbox: Path) -> list[tuple[str, str, str, str]]:
    """(channel, recipient, topic, text) of every notice in the mailbox."""
    found = []
    for path in sorted(mailbox.glob("*-*-*")):
        channel, topic = path.name.split("-")[1:3]
        if path.suffix == ".eml":
            message = email.message_from_bytes(path.read_bytes(), policy=email_policy)
            body = message.get_body(("plain",))
            assert body is not None, path
            found.append((channel, str(message["To"]), topic, body.get_content()))
        else:
            head, _, rest = path.read_text().partition("\n")
            found.append((channel, head.removeprefix("To: "), topic, rest))
    return found


def code_for(mailbox: Path, address: str) -> str | None:
    for channel, recipient, topic, body in mailbox_messages(mailbox):
        if (channel, recipient, topic) == ("email", address, "verification_code"):
            return body.split("Your verification code is ")[1].split(".")[0]
    return None


def customer_token(config: Settings, uid: str) -> dict[str, str]:
    token = issue_token(config, uid, Role.CUSTOMER, timedelta(hours=1), datetime.now(UTC))
    return {"Authorization": f"Bearer {token}"}


def close_all(apis: list[httpx.Client], config: Settings, mailbox: Path, wait: Any) -> dict:
    """Each customer's closure, every step through the other API than the step before:
    submit, ask for a code by e-mail, read it from the mailbox, give it back."""
    closures: dict[str, str] = {}
    for n, uid in enumerate(CUSTOMERS):
        first, second = apis[n % 2], apis[(n + 1) % 2]
        as_customer = customer_token(config, uid)
        submitted = first.post(
            f"/v1/accounts/{uid}/closure-requests", json={"reason": "fees"}, headers=as_customer
        )
        assert submitted.status_code == 201, submitted.text
        closures[uid] = request_id = submitted.json()["request"]["id"]
        started = second.post(
            f"/v1/closure-requests/{request_id}/verification",
            json={"method": "email"},
            headers=as_customer,
        )
        assert started.json()["state"] == "verifying", started.text
        code = wait(f"{uid}'s code", lambda uid=uid: code_for(mailbox, email_of(uid)))
        checked = first.post(
            f"/v1/closure-requests/{request_id}/verification/check",
            json={"method": "email", "code": code},
            headers=as_customer,
        )
        assert checked.json()["state"] == "cooling_off", checked.text
    return closures


def certificates_of(apis: list[httpx.Client], config: Settings, wait: Any) -> dict[str, bytes]:
    """Each customer's certificate, asked of both APIs in turn until it is issued."""
    tries = iter(range(1_000_000))

    def issued(uid: str) -> bytes | None:
        api = apis[next(tries) % 2]
        answer = api.get(f"/v1/accounts/{uid}/certificate", headers=customer_token(config, uid))
        return answer.content if answer.status_code == 200 else None

    return {uid: wait(f"{uid}'s certificate", lambda u=uid: issued(u)) for uid in CUSTOMERS}


def environment(database: Engine, tmp_path: Path, webhook_url: str) -> dict[str, str]:
    """What every process of the deployment gets: the same secrets, database, policy."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LASTGATE_")} | SECRETS
    return env | {
        "LASTGATE_DATABASE_URL": database.url.render_as_string(hide_password=False),
        "LASTGATE_POLICY_DIR": str(no_cooling_off(tmp_path / "policies")),
        "LASTGATE_MAILBOX_DIR": str(tmp_path / "mailbox"),
        "LASTGATE_EVIDENCE_DIR": str(tmp_path / "evidence"),
        "LASTGATE_WEBHOOK_URL": webhook_url,
        "LASTGATE_WORKER_POLL_SECONDS": "0.2",
        # One caller (this test) from one address; memory:// counts per process anyway.
        **{f"LASTGATE_RATE_LIMIT_{rule}": "100000/minute" for rule in RATE_LIMITS},
    }


def test_two_apis_and_two_workers_on_postgresql_close_each_account_once(
    database: Engine, tmp_path
) -> None:
    receiver, mailbox = WebhookReceiver(), tmp_path / "mailbox"
    env = environment(database, tmp_path, receiver.url)
    config = Settings(
        jwt_secret=SecretStr(SECRETS["LASTGATE_JWT_SECRET"]),
        certificate_signing_key=SecretStr(SECRETS["LASTGATE_CERTIFICATE_SIGNING_KEY"]),
    )
    load(database, *(account(uid, phone=phone_of(uid)) for uid in CUSTOMERS))
    ports, processes = [free_port(), free_port()], Processes(tmp_path)
    uvicorn = [sys.executable, "-m", "uvicorn", "--factory", "lastgate.app.api:app_from_env"]
    try:
        for n, port in enumerate(ports):
            processes.start(f"api{n}", [*uvicorn, "--port", str(port)], env)
            processes.start(f"worker{n}", [*LASTGATE, "worker"], env)
        deadline = time.monotonic() + DEADLINE_SECONDS
        wait = partial(wait_for, processes=processes, deadline=deadline)
        apis = [httpx.Client(base_url=f"http://127.0.0.1:{port}") for port in ports]
        for api in apis:
            wait("the API to answer", lambda api=api: answers(api))
        closures = close_all(apis, config, mailbox, wait)
        certificates = certificates_of(apis, config, wait)
        time.sleep(1)  # more passes of both workers: anything done twice would show now
        stopped = [name for name, p, _ in processes.running if p.poll() is not None]
        assert stopped == [], processes.output()
    finally:
        processes.stop()
        receiver.close()

    for uid, document in certificates.items():
        certificate = verify(document, public_key_pem(config))
        assert (certificate.uid, certificate.closure_id) == (uid, closures[uid])
        assert certificate.scan.passed, certificate.scan.findings
    assert_executed_once(database, closures)
    delivered = assert_outbox_rows_sent_once(database)
    assert_notices_in_mailbox_once(mailbox, delivered)
    assert_webhooks_received_once(receiver, delivered)


def answers(api: httpx.Client) -> bool:
    try:
        return api.get("/healthz").status_code == 200
    except httpx.TransportError:
        return False


def assert_executed_once(database: Engine, closures: dict[str, str]) -> None:
    """One ``closure.complete`` per closure, one erasure run per customer, each of its
    steps once."""
    with database.connect() as conn:
        for uid, request_id in closures.items():
            entries = audit_log.entries(conn, subject=f"closure:{request_id}")
            actions = Counter(e.action for e in entries)
            assert actions["closure.complete"] == 1, (uid, actions)
        runs = conn.execute(text("SELECT uid FROM erasure_runs")).scalars().all()
        steps = conn.execute(text("SELECT run_id, step FROM erasure_steps")).all()
    assert sorted(runs) == CUSTOMERS
    assert len(steps) > len(runs) and max(Counter(steps).values()) == 1


def assert_outbox_rows_sent_once(database: Engine) -> dict[str, Any]:
    """Every outbox row queued once, claimed (and so sent) at most once, each claimed
    one marked delivered; both APIs queued and both workers claimed. The delivered rows."""
    with database.connect() as conn:
        log = conn.execute(text("SELECT * FROM test_outbox_log")).all()
    happened = Counter((row.outbox_id, row.event) for row in log)
    assert max(happened.values()) == 1, [k for k, n in happened.items() if n > 1]
    delivered = {row.outbox_id: row for row in log if row.event == "delivered"}
    assert {row.outbox_id for row in log if row.event == "claimed"} == set(delivered)
    assert {row.actor for row in log if row.event == "queued"} >= {"api0", "api1"}
    assert {row.actor for row in log if row.event == "claimed"} == {"worker0", "worker1"}
    return delivered


def assert_notices_in_mailbox_once(mailbox: Path, delivered: dict[str, Any]) -> None:
    """One message in the mailbox per delivered notice, never two of one topic to one
    recipient; each customer got their code, and was told on both channels of the
    submission and of the closure."""
    messages = mailbox_messages(mailbox)
    assert len(messages) == sum(1 for row in delivered.values() if row.channel != "webhook")
    sent = Counter((channel, recipient, topic) for channel, recipient, topic, _ in messages)
    assert max(sent.values()) == 1, sent
    for uid in CUSTOMERS:
        assert sent[("email", email_of(uid), "verification_code")] == 1
        for channel, recipient in (("email", email_of(uid)), ("sms", phone_of(uid))):
            topics = {t for c, r, t in sent if (c, r) == (channel, recipient)}
            assert {"closure_submitted", "closure_completed"} <= topics, (uid, channel, topics)


def assert_webhooks_received_once(receiver: WebhookReceiver, delivered: dict[str, Any]) -> None:
    """Each delivered event arrived once, signed; each customer's closure among them."""
    assert receiver.bad_signatures == 0
    received = Counter(event_id for event_id, _ in receiver.received)
    assert max(received.values()) == 1, received
    assert set(received) == {r.event_id for r in delivered.values() if r.channel == "webhook"}
    kinds = Counter(kind for _, kind in receiver.received)
    assert kinds["account.closed"] == len(CUSTOMERS), kinds
