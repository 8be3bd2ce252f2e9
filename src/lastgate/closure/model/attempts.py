"""Rules of the limits on step-up verification, per account: how wrong tries count and
lock, and how often a one-time code may be sent.

Wrong tries count per account, whatever the method (authenticator, e-mail, SMS, the
authenticator that lifts a freeze) and across closure requests; only a right code resets
the count. Every ``otp_max_attempts``-th wrong try locks every verification of the
account, each lock for the next figure of ``lockout_minutes`` (the last repeats); at
``max_consecutive_failures`` it stays locked until the account is recovered through
support. A channel's codes go out at most ``code_sends_per_hour`` in any hour,
``code_resend_seconds`` apart. Pure functions; ``lastgate.closure.adapters.step_up_limits``
stores the count.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from lastgate.kernel.errors import CodeSendLimited, VerificationFailed, VerificationLocked
from lastgate.kernel.policy import VerificationPolicy

SEND_WINDOW = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class AttemptCount:
    """An account's consecutive wrong tries since its last right one, and the end of the
    lock the last locking try started (None: never locked since the last right one)."""

    failures: int = 0
    locked_until: datetime | None = None


def locked_for_good(count: AttemptCount, policy: VerificationPolicy) -> bool:
    """Past the ceiling of consecutive failures: locked until the account is recovered."""
    return count.failures >= policy.max_consecutive_failures


def lock_in_force(count: AttemptCount, now: datetime) -> datetime | None:
    """The end of the lock in force at ``now``, or None."""
    until = count.locked_until
    return until if until is not None and now < until else None


def ensure_may_try(count: AttemptCount, policy: VerificationPolicy, now: datetime) -> None:
    """``VerificationLocked`` while the account is locked: a right code is refused too."""
    if locked_for_good(count, policy):
        raise recovery_error()
    until = lock_in_force(count, now)
    if until is not None:
        raise locked_error(until)


def lock_minutes(lock_number: int, policy: VerificationPolicy) -> int:
    """How long the ``lock_number``-th lock (1 for the first) lasts."""
    minutes = policy.lockout_minutes
    return minutes[min(max(lock_number, 1), len(minutes)) - 1]


def after_failure(count: AttemptCount, policy: VerificationPolicy, now: datetime) -> AttemptCount:
    """The count after one more wrong try at ``now``: every ``otp_max_attempts``-th locks."""
    failures = count.failures + 1
    if failures % policy.otp_max_attempts and failures < policy.max_consecutive_failures:
        return AttemptCount(failures, count.locked_until)
    lock_number = -(-failures // policy.otp_max_attempts)  # ceiling: the cap may fall mid-run
    return AttemptCount(failures, now + timedelta(minutes=lock_minutes(lock_number, policy)))


def tries_left(count: AttemptCount, policy: VerificationPolicy) -> int:
    """Wrong tries the account has before the next lock."""
    before_lock = policy.otp_max_attempts - count.failures % policy.otp_max_attempts
    return max(min(before_lock, policy.max_consecutive_failures - count.failures), 0)


def failure_error(
    count: AttemptCount, policy: VerificationPolicy, now: datetime
) -> VerificationFailed | VerificationLocked:
    """What a wrong try answers, given the count after it: the tries left, or the lock it
    started."""
    if locked_for_good(count, policy):
        return recovery_error()
    until = lock_in_force(count, now)
    if until is not None:
        return locked_error(until)
    return failed_error(tries_left(count, policy))


def failed_error(left: int) -> VerificationFailed:
    """The one message for a wrong, expired, spent or superseded code: which it was
    would tell someone guessing more than the customer needs."""
    return VerificationFailed(
        f"the code is not valid; {left} {'try' if left == 1 else 'tries'} left",
        details=[{"path": "code", "reason": "invalid", "tries_left": str(left)}],
    )


def locked_error(until: datetime) -> VerificationLocked:
    return VerificationLocked(
        "too many wrong codes: every verification of this account is locked until "
        + until.isoformat(),
        details=[{"path": "code", "reason": "locked", "locked_until": until.isoformat()}],
    )


def recovery_error() -> VerificationLocked:
    return VerificationLocked(
        "too many wrong codes: verification of this account stays locked until you "
        "recover the account through support",
        details=[{"path": "code", "reason": "locked_until_recovery"}],
    )


# --- one-time code sends --------------------------------------------------------------


def next_send_at(
    sent_at: Iterable[datetime], policy: VerificationPolicy, now: datetime
) -> datetime | None:
    """When the next code of a channel may go out, given when the account's codes of that
    channel went out; None when one may go now."""
    recent = sorted(at for at in sent_at if at + SEND_WINDOW > now)
    waits = []
    if recent:
        waits.append(recent[-1] + timedelta(seconds=policy.code_resend_seconds))
    if len(recent) >= policy.code_sends_per_hour:
        # Once the oldest of the last ``code_sends_per_hour`` leaves the hour.
        waits.append(recent[-policy.code_sends_per_hour] + SEND_WINDOW)
    due = max(waits, default=None)
    return due if due is not None and due > now else None


def ensure_may_send(sent_at: Iterable[datetime], policy: VerificationPolicy, now: datetime) -> None:
    """``CodeSendLimited``, saying when the next code can be sent, if one cannot be now."""
    due = next_send_at(sent_at, policy, now)
    if due is not None:
        raise CodeSendLimited(
            f"a new code can be sent from {due.isoformat()}",
            details=[{"path": "method", "reason": "send_limited", "next_send_at": due.isoformat()}],
        )
