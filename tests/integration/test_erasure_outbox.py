"""Erasure never loses a webhook: every event about a closed customer reaches the exchange
before the outbox forgets them, through a real HTTP receiver that fails once, and with
two workers racing over the same closure. Every test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from lastgate.app.worker import run_once
from lastgate.closure.adapters.tables import outbox
from lastgate.closure.model.lifecycle import ClosureReason, ClosureRequest, ClosureState
from lastgate.closure.service import workflow as closure
from lastgate.closure.service.workflow import Workflow
from lastgate.erasure.adapters.tables import erasure_runs, erasure_steps
from lastgate.kernel.settings import Settings
from lastgate.notices.adapters.webhook_signature import EVENT_ID_HEADER, SIGNATURE_HEADER, verify
from lastgate.platform.db.audit_tables import audit_log
from lastgate.platform.db.engine import make_engine
from tests.builders import account, load
from tests.workflow_support import customer, outbox_rows, workflow

SECRET = "whsec-erasure"
UID = "U1000"
#: Every event of a customer's closure that passes without review, in the order they
#: happen (docs/closure.md, docs/notifications.md).
CLOSURE_EVENTS = (
    "closure.draft",
    "closure.verifying",
    "closure.in_review",
    "closure.cooling_off",
    "account.freeze",
    "closure.executing",
    "closure.closed",
    "account.closed",
)


class Receiver:
    """The exchange's endpoint: verifies each signature, answers 500 to the first
    attempt of each event type in ``fail_once``, 200 otherwise."""

    def __init__(self, clock: Any) -> None:
        self.fail_once: set[str] = set()
        self.received: list[dict[str, Any]] = []
        self.accepted: list[dict[str, Any]] = []
        lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                verify(SECRET, body, self.headers.get(SIGNATURE_HEADER), now=clock().timestamp())
                event = json.loads(body)
                assert self.headers[EVENT_ID_HEADER] == event["id"]
                with lock:
                    receiver.received.append(event)
                    failing = event["type"] in receiver.fail_once
                    receiver.fail_once.discard(event["type"])
                    if not failing:
                        receiver.accepted.append(event)
                self.send_response(500 if failing else 200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def accepted_types(self) -> Counter[str]:
        return Counter(event["type"] for event in self.accepted)


@pytest.fixture
def receiver(clock) -> Iterator[Receiver]:
    r = Receiver(clock)
    yield r
    r.server.shutdown()
    r.server.server_close()


@pytest.fixture
def config(receiver: Receiver, tmp_path: Path) -> Settings:
    return Settings(
        webhook_url=receiver.url,
        webhook_secret=SECRET,
        mailbox_dir=tmp_path / "mailbox",
        public_base_url="https://close.example",
    )


def in_cooling_off(engine: Engine, clock: Any, config: Settings) -> tuple[Workflow, ClosureRequest]:
    """A clean customer who asked to close and verified with an e-mailed code."""
    load(engine, account(UID))
    wf = workflow(engine, clock, config)
    request = closure.submit(wf, customer(UID), UID, ClosureReason.FEES, "")
    closure.start_verification(wf, customer(UID), request.id, "email")
    code = outbox_rows(engine, "verification_code")[0]["payload"]["params"]["code"]
    request = closure.verify(wf, customer(UID), request.id, "email", code)
    assert request.state is ClosureState.COOLING_OFF
    return wf, request


def erased(engine: Engine) -> bool:
    with engine.connect() as conn:
        finished = conn.execute(
            select(erasure_runs.c.finished_at).where(erasure_runs.c.uid == UID)
        ).scalar_one_or_none()
    return finished is not None


def outbox_about_the_customer(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                select(func.count())
                .select_from(outbox)
                .where(outbox.c.payload.contains(json.dumps(UID)))
            ).scalar_one()
        )


def assert_delivered_as_documented(receiver: Receiver, request: ClosureRequest) -> None:
    assert receiver.accepted_types() == Counter(CLOSURE_EVENTS)
    for event in receiver.accepted:
        assert set(event) == {"id", "type", "created_at", "data"}
        assert event["data"]["uid"] == UID
        if event["type"].startswith("closure."):
            assert event["data"]["closure_id"] == request.id
            assert event["data"]["state"] == event["type"].removeprefix("closure.")
    by_type = {event["type"]: event for event in receiver.accepted}
    assert by_type["account.closed"]["data"] == {"uid": UID}
    assert by_type["account.freeze"]["data"] == {"uid": UID, "cause": "closure"}
    assert len({event["id"] for event in receiver.accepted}) == len(CLOSURE_EVENTS)


def test_an_event_refused_once_is_delivered_before_the_customer_is_erased(
    engine, clock, receiver, config
) -> None:
    _wf, request = in_cooling_off(engine, clock, config)
    run_once(config, engine, clock)
    assert receiver.accepted_types() == Counter(CLOSURE_EVENTS[:5])

    receiver.fail_once = {"account.closed"}
    clock.advance(days=14)
    run_once(config, engine, clock)  # closes; the exchange answers account.closed with 500
    assert [e["type"] for e in receiver.received].count("account.closed") == 1
    assert "account.closed" not in receiver.accepted_types()

    run_once(config, engine, clock)  # the notices are out; the event waits for its retry
    assert not erased(engine)
    [event] = outbox_rows(engine, "account.closed")
    assert event["attempts"] == 1 and event["delivered_at"] is None

    for _ in range(3):
        clock.advance(minutes=2)
        run_once(config, engine, clock)
    assert erased(engine)
    assert_delivered_as_documented(receiver, request)
    retried = [e for e in receiver.received if e["type"] == "account.closed"]
    assert len(retried) == 2 and retried[0]["id"] == retried[1]["id"]
    assert outbox_about_the_customer(engine) == 0
    with engine.connect() as conn:
        certificate = json.loads(conn.execute(select(erasure_runs.c.certificate)).scalar_one())
    findings = certificate["certificate"]["scan"]["findings"]
    assert not [f for f in findings if f.startswith("outbox.")]


def test_an_event_given_up_on_no_longer_holds_erasure_back(engine, clock, receiver, tmp_path):
    config = Settings(
        webhook_url=receiver.url,
        webhook_secret=SECRET,
        mailbox_dir=tmp_path / "mailbox",
        outbox_max_attempts=2,
    )
    in_cooling_off(engine, clock, config)
    run_once(config, engine, clock)
    receiver.fail_once = {"account.closed"}
    clock.advance(days=14)
    run_once(config, engine, clock)
    receiver.fail_once = {"account.closed"}  # the second and last attempt fails too
    clock.advance(minutes=2)
    run_once(config, engine, clock)
    [event] = outbox_rows(engine, "account.closed")
    assert event["failed_at"] is not None

    run_once(config, engine, clock)
    assert erased(engine)
    assert outbox_about_the_customer(engine) == 0


def test_a_notice_scheduled_for_later_is_voided_but_one_being_retried_is_awaited(
    engine, clock, config
) -> None:
    """A customer notice that failed once is still sent; a reminder due after the
    closure is not: it would be about an account that no longer exists."""
    wf, _request = in_cooling_off(engine, clock, config)
    run_once(config, engine, clock)
    clock.advance(days=14)
    run_once(config, engine, clock)  # closes; closure_completed and account.closed delivered
    with wf.unit_of_work() as uow:
        uow.notifier.notify_customer(UID, "closure_cancelled", {}, subject_ref="later")
        uow.notifier.notify_customer(
            UID,
            "account_unfrozen",
            {},
            subject_ref="later",
            deliver_after=clock() + timedelta(days=3),
        )
        uow.connection.execute(
            outbox.update()
            .where(outbox.c.topic == "closure_cancelled")
            .values(attempts=1, deliver_after=clock().replace(year=2027), last_error="SMTP 451")
        )
    run_once(config, engine, clock)
    assert not erased(engine)  # the retried notice is awaited
    [retried, *_] = outbox_rows(engine, "closure_cancelled")
    assert retried["voided_at"] is None
    with wf.unit_of_work() as uow:
        uow.connection.execute(
            outbox.update()
            .where(outbox.c.topic == "closure_cancelled")
            .values(deliver_after=clock())
        )
    run_once(config, engine, clock)  # delivers it
    run_once(config, engine, clock)
    assert erased(engine)
    mailbox = list((config.mailbox_dir or Path()).glob("*-email-closure_cancelled-*"))
    assert len(mailbox) == 1
    assert not list((config.mailbox_dir or Path()).glob("*-account_unfrozen-*"))


def test_two_workers_racing_over_a_closure_deliver_every_event_and_close_once(
    engine, clock, receiver, config
) -> None:
    # Small batches: each pass delivers a few rows, so erasure and delivery interleave.
    config = config.model_copy(update={"worker_batch_size": 2})
    _wf, request = in_cooling_off(engine, clock, config)
    clock.advance(days=14)
    start = threading.Barrier(2)
    errors: list[BaseException] = []
    engines = [engine, make_engine(engine.url.render_as_string(hide_password=False))]

    def worker(own: Engine) -> None:
        try:
            start.wait()
            for _ in range(15):
                run_once(config, own, clock)
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(e,)) for e in engines]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    engines[1].dispose()

    assert errors == []
    assert erased(engine)
    assert_delivered_as_documented(receiver, request)
    assert len(receiver.received) == len(CLOSURE_EVENTS)  # no event sent twice
    with engine.connect() as conn:
        actions = Counter(conn.execute(select(audit_log.c.action)).scalars())
        steps = Counter(conn.execute(select(erasure_steps.c.step)).scalars())
    assert actions["closure.timer"] == actions["closure.complete"] == 1
    assert actions["erasure.finished"] == 1
    assert set(steps.values()) == {1}
    mailbox = config.mailbox_dir or Path()
    assert len(list(mailbox.glob("*-email-closure_completed-*"))) == 1
    assert outbox_about_the_customer(engine) == 0
