"""The limits of step-up verification hold per account, on both databases: wrong tries
count across closure requests and methods (the authenticator that lifts a freeze too),
cancelling and asking again resets nothing, each lock lasts longer than the last, code
sends are limited, and two concurrent wrong tries are both counted."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from typing import Any

import pyotp
import pytest
from sqlalchemy import select

from lastgate.closure.adapters.tables import verification_attempts
from lastgate.closure.model import attempts
from lastgate.closure.model.lifecycle import ClosureReason, ClosureRequest
from lastgate.closure.service import freeze, step_up
from lastgate.closure.service import workflow as closure
from lastgate.closure.service.workflow import Workflow
from lastgate.desk.adapters.sql import SqlSecondFactorReset
from lastgate.kernel.errors import (
    CodeSendLimited,
    LastgateError,
    VerificationFailed,
    VerificationLocked,
)
from tests.builders import account, load
from tests.workflow_support import (
    customer,
    outbox_rows,
    set_up_long_ago,
    verification_code,
    workflow,
)

UID = "U1000"
ME = customer(UID)


@pytest.fixture
def wf(engine, clock) -> Workflow:
    load(engine, account(UID))
    return workflow(engine, clock)


@pytest.fixture
def app(wf: Workflow, engine, clock) -> pyotp.TOTP:
    """The customer's authenticator, set up and confirmed."""
    totp = pyotp.TOTP(step_up.enroll_totp(wf.unit_of_work(), ME, UID).secret)
    step_up.confirm_totp(wf.unit_of_work(), ME, UID, totp.at(clock()))
    set_up_long_ago(engine, UID)  # an established one (a new one confirms no closure)
    clock.advance(seconds=30)
    return totp


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def new_request(wf: Workflow, method: str = "totp") -> ClosureRequest:
    request = closure.submit(wf, ME, UID, ClosureReason.FEES, "")
    return closure.start_verification(wf, ME, request.id, method)


def refused(wf: Workflow, request: ClosureRequest, method: str, code: str) -> LastgateError:
    with pytest.raises((VerificationFailed, VerificationLocked)) as caught:
        closure.verify(wf, ME, request.id, method, code)
    return caught.value


def detail(error: LastgateError, key: str) -> str:
    return error.details[0][key]


def fail(wf: Workflow, request: ClosureRequest, times: int, app: pyotp.TOTP, clock) -> Any:
    """``times`` wrong authenticator codes; the error of the last."""
    error = None
    for _ in range(times):
        error = refused(wf, request, "totp", wrong(app.at(clock())))
    return error


def test_cancelling_and_asking_again_does_not_reset_the_count(wf, app, clock) -> None:
    first = new_request(wf)
    assert detail(fail(wf, first, 4, app, clock), "tries_left") == "1"
    closure.cancel(wf, ME, first.id)
    second = new_request(wf)
    locked = refused(wf, second, "totp", wrong(app.at(clock())))
    assert isinstance(locked, VerificationLocked)
    assert detail(locked, "locked_until") == (clock() + timedelta(minutes=15)).isoformat()
    # The right code is refused too, on this request and on any new one.
    assert isinstance(refused(wf, second, "totp", app.at(clock())), VerificationLocked)


def test_authenticator_and_email_failures_add_up_across_requests(wf, app, clock, engine) -> None:
    first = new_request(wf, "email")
    for _ in range(2):
        refused(wf, first, "email", wrong(verification_code(engine, first)))
    closure.cancel(wf, ME, first.id)
    second = new_request(wf)
    assert detail(fail(wf, second, 2, app, clock), "tries_left") == "1"


def test_each_lock_lasts_longer_than_the_last(wf, app, clock, engine) -> None:
    request = new_request(wf)
    for minutes in (15, 60, 1440, 1440):
        locked = fail(wf, request, 5, app, clock)
        assert isinstance(locked, VerificationLocked)
        assert detail(locked, "locked_until") == (clock() + timedelta(minutes=minutes)).isoformat()
        clock.advance(minutes=minutes - 1)
        assert isinstance(refused(wf, request, "totp", app.at(clock())), VerificationLocked)
        clock.advance(minutes=1)
    # A right code ends it all: the count starts again from nothing.
    closure.verify(wf, ME, request.id, "totp", app.at(clock()))
    assert failures(engine) == 0


def failures(engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(verification_attempts.c.failures)).scalar_one())


def test_the_authenticator_that_lifts_a_freeze_shares_the_count(wf, app, clock) -> None:
    freeze.freeze(wf, ME, UID)
    clock.advance(hours=24)
    for left in ("4", "3", "2", "1"):
        assert detail(refused_unfreeze(wf, wrong(app.at(clock()))), "tries_left") == left
    assert isinstance(refused_unfreeze(wf, wrong(app.at(clock()))), VerificationLocked)
    assert isinstance(refused_unfreeze(wf, app.at(clock())), VerificationLocked)
    # The lock is the account's: the closure pages read it from the same count.
    options = step_up.verification_options(wf.unit_of_work(), UID)
    assert options.locked_until == clock() + timedelta(minutes=15)


def test_closure_failures_count_against_unfreezing(wf, app, clock) -> None:
    request = new_request(wf)
    fail(wf, request, 4, app, clock)
    closure.cancel(wf, ME, request.id)
    freeze.freeze(wf, ME, UID)
    clock.advance(hours=24)
    assert isinstance(refused_unfreeze(wf, wrong(app.at(clock()))), VerificationLocked)
    assert isinstance(refused_unfreeze(wf, app.at(clock())), VerificationLocked)


def refused_unfreeze(wf: Workflow, code: str) -> LastgateError:
    with pytest.raises((VerificationFailed, VerificationLocked)) as caught:
        freeze.unfreeze(wf, ME, UID, code)
    return caught.value


def test_a_code_sent_too_soon_is_refused_and_the_one_sent_still_works(wf, clock, engine) -> None:
    request = new_request(wf, "email")
    sent = verification_code(engine, request)
    clock.advance(seconds=59)
    with pytest.raises(CodeSendLimited) as too_soon:
        closure.start_verification(wf, ME, request.id, "email")
    assert detail(too_soon.value, "next_send_at") == (clock() + timedelta(seconds=1)).isoformat()
    assert len(outbox_rows(engine, "verification_code")) == 1  # nothing sent
    closure.verify(wf, ME, request.id, "email", sent)


def test_at_most_five_codes_an_hour_per_channel_across_requests(wf, clock, engine) -> None:
    first_sent_at = clock()
    request = new_request(wf, "email")
    for _ in range(2):
        clock.advance(minutes=1)
        closure.start_verification(wf, ME, request.id, "email")
    closure.cancel(wf, ME, request.id)
    request = closure.submit(wf, ME, UID, ClosureReason.FEES, "")
    for _ in range(2):
        clock.advance(minutes=1)
        closure.start_verification(wf, ME, request.id, "email")
    clock.advance(minutes=10)
    with pytest.raises(CodeSendLimited) as limited:
        closure.start_verification(wf, ME, request.id, "email")
    next_at = first_sent_at + timedelta(hours=1)
    assert detail(limited.value, "next_send_at") == next_at.isoformat()
    assert len(outbox_rows(engine, "verification_code")) == 5
    clock.now = next_at
    closure.start_verification(wf, ME, request.id, "email")
    assert len(outbox_rows(engine, "verification_code")) == 6


def test_no_code_is_sent_while_the_account_is_locked(wf, app, clock, engine) -> None:
    request = new_request(wf)
    fail(wf, request, 5, app, clock)
    with pytest.raises(VerificationLocked):
        closure.start_verification(wf, ME, request.id, "email")
    assert outbox_rows(engine, "verification_code") == []


def test_the_options_show_the_lock_and_the_wait_for_a_new_code(wf, app, clock) -> None:
    request = new_request(wf, "email")
    options = step_up.verification_options(wf.unit_of_work(), UID)
    waits = {m.name: m.next_code_at for m in options.methods}
    assert waits == {"totp": None, "email": clock() + timedelta(seconds=60), "sms": None}
    fail(wf, request, 5, app, clock)
    options = step_up.verification_options(wf.unit_of_work(), UID)
    assert options.locked_until == clock() + timedelta(minutes=15)
    assert not options.locked_for_good


def test_after_a_hundred_wrong_codes_only_recovery_lifts_the_lock(wf, app, clock, engine) -> None:
    request = new_request(wf)
    for _ in range(19):
        fail(wf, request, 5, app, clock)
        clock.advance(days=1)
    last = fail(wf, request, 5, app, clock)
    assert detail(last, "reason") == "locked_until_recovery"
    clock.advance(days=365)
    assert detail(refused(wf, request, "totp", app.at(clock())), "reason") == (
        "locked_until_recovery"
    )
    assert step_up.verification_options(wf.unit_of_work(), UID).locked_for_good
    with wf.unit_of_work() as uow:  # what a completed credential recovery does
        SqlSecondFactorReset(uow.connection).remove(UID)
    with engine.connect() as conn:
        assert conn.execute(select(verification_attempts)).all() == []


def test_two_concurrent_wrong_codes_are_both_counted(wf, app, clock, engine, monkeypatch) -> None:
    # One on the closure request, one lifting a freeze: two different rows of the
    # workflow, so only the account's count serializes them. Two tries each, at once,
    # each pausing between reading the count and writing it: a count read without its
    # row lock would be read twice and one try lost.
    counted = attempts.after_failure

    def slowly(*args: Any) -> attempts.AttemptCount:
        time.sleep(0.2)
        return counted(*args)

    monkeypatch.setattr(attempts, "after_failure", slowly)
    request = new_request(wf)
    freeze.freeze(wf, ME, UID)
    clock.advance(hours=24)
    code = wrong(app.at(clock()))
    start = threading.Barrier(2)
    errors: list[LastgateError] = []

    def guess(call: Any) -> None:
        start.wait()
        for _ in range(2):
            try:
                call()
            except (VerificationFailed, VerificationLocked) as exc:
                errors.append(exc)

    threads = [
        threading.Thread(
            target=guess, args=(lambda: closure.verify(wf, ME, request.id, "totp", code),)
        ),
        threading.Thread(target=guess, args=(lambda: freeze.unfreeze(wf, ME, UID, code),)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(detail(e, "tries_left") for e in errors) == ["1", "2", "3", "4"]
    assert failures(engine) == 4
