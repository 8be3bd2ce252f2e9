"""The rules of step-up verification, without a database: codes, time steps, attempts and
lockout, evidence types."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lastgate.closure.model import verification as rules
from lastgate.kernel.errors import VerificationFailed, VerificationLocked
from lastgate.kernel.policy import VerificationPolicy

POLICY = VerificationPolicy()
T0 = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def test_the_default_limits() -> None:
    assert (POLICY.otp_ttl_minutes, POLICY.otp_max_attempts) == (10, 5)
    assert (POLICY.lockout_minutes, POLICY.totp_valid_window) == (30, 1)


def test_every_shipped_policy_file_states_the_verification_limits() -> None:
    from lastgate.platform.policy_files import SHIPPED_POLICIES, load_policy

    for path in SHIPPED_POLICIES.glob("*.toml"):
        text = path.read_text(encoding="utf-8")
        assert "[verification]" in text, path.name
        assert load_policy(path).verification == POLICY, path.name


def test_a_new_code_is_six_random_digits() -> None:
    codes = {rules.new_code() for _ in range(2000)}
    assert all(len(c) == 6 and c.isdigit() for c in codes)
    assert len(codes) > 1990  # random, not a sequence or a constant
    assert any(c.startswith("0") for c in codes)  # leading zeros are kept


def test_codes_typed_with_spaces_or_dashes_are_normalised() -> None:
    assert rules.normalise_code(" 123 456 ") == "123456"
    assert rules.normalise_code("123-456") == "123456"


@pytest.mark.parametrize("code", ["12345", "1234567", "12345a", "١٢٣٤٥٦", ""])
def test_only_six_ascii_digits_are_well_formed(code: str) -> None:
    assert not rules.is_well_formed(code)


def test_constant_time_comparison() -> None:
    assert rules.constant_time_equal("123456", "123456")
    assert not rules.constant_time_equal("123456", "123457")
    assert not rules.constant_time_equal("123456", "12345")


def test_a_code_expires_after_the_policy_ttl() -> None:
    assert rules.code_expires_at(T0, POLICY) == T0 + timedelta(minutes=10)


def test_not_locked_without_a_lock() -> None:
    assert rules.locked_until(None, POLICY, T0) is None
    rules.ensure_not_locked(None, POLICY, T0)


def test_a_lock_holds_for_the_lockout_minutes() -> None:
    until = T0 + timedelta(minutes=30)
    assert rules.locked_until(T0, POLICY, T0 + timedelta(minutes=29, seconds=59)) == until
    assert rules.locked_until(T0, POLICY, until) is None
    with pytest.raises(VerificationLocked) as locked:
        rules.ensure_not_locked(T0, POLICY, T0 + timedelta(minutes=1))
    assert locked.value.details[0]["locked_until"] == until.isoformat()


def test_the_limit_th_failure_locks() -> None:
    assert [rules.failure_locks(n, POLICY) for n in range(1, 7)] == [
        False,
        False,
        False,
        False,
        True,
        True,
    ]


def test_tries_left_never_goes_below_zero() -> None:
    assert [rules.tries_left(n, POLICY) for n in (0, 1, 4, 5, 9)] == [5, 4, 1, 0, 0]


def test_a_failure_says_tries_left_but_not_why() -> None:
    error = rules.failed_error(4, POLICY)
    assert isinstance(error, VerificationFailed)
    assert error.message == "the code is not valid; 1 try left"
    assert error.details == [{"path": "code", "reason": "invalid", "tries_left": "1"}]


def test_time_steps_are_thirty_seconds_since_the_epoch() -> None:
    assert rules.time_step(T0) == int(T0.timestamp()) // 30
    assert rules.time_step(T0 + timedelta(seconds=29)) == rules.time_step(T0)
    assert rules.time_step(T0 + timedelta(seconds=30)) == rules.time_step(T0) + 1


def test_candidate_steps_cover_the_window_current_first() -> None:
    now = rules.time_step(T0)
    assert rules.candidate_steps(T0, POLICY) == [now, now - 1, now + 1]
    strict = VerificationPolicy(totp_valid_window=0)
    assert rules.candidate_steps(T0, strict) == [now]


def test_a_step_at_or_before_the_last_used_is_a_replay() -> None:
    assert not rules.is_replay(100, None)
    assert not rules.is_replay(101, 100)
    assert rules.is_replay(100, 100)
    assert rules.is_replay(99, 100)


@pytest.mark.parametrize(
    ("kind", "content_type"),
    [
        ("document", rules.PDF),
        ("document", rules.JPEG),
        ("document", rules.PNG),
        ("document", rules.HEIC),
        ("selfie", rules.JPEG),
        ("selfie", rules.HEIC),
    ],
)
def test_accepted_evidence(kind: str, content_type: str) -> None:
    assert rules.check_evidence(kind, content_type, 100, 1000) == content_type


@pytest.mark.parametrize(
    ("kind", "content_type", "size", "reason"),
    [
        ("selfie", rules.PDF, 100, "unsupported_type"),
        ("document", None, 100, "unsupported_type"),
        ("document", "text/html", 100, "unsupported_type"),
        ("document", rules.PDF, 1001, "too_large"),
        ("document", rules.PDF, 0, "empty"),
        ("passport", rules.PDF, 100, "unknown_kind"),
    ],
)
def test_refused_evidence(kind: str, content_type: str | None, size: int, reason: str) -> None:
    with pytest.raises(rules.EvidenceRefused) as refused:
        rules.check_evidence(kind, content_type, size, 1000)
    assert refused.value.details[0]["reason"] == reason


def _file(kind: str, decision: str | None) -> rules.EvidenceFile:
    return rules.EvidenceFile("e", kind, rules.JPEG, 1, "0" * 64, T0, decision)


def test_evidence_is_complete_with_an_approved_document_and_selfie() -> None:
    assert rules.evidence_complete(
        [_file("document", rules.APPROVED), _file("selfie", rules.APPROVED)]
    )


@pytest.mark.parametrize(
    "files",
    [
        [],
        [("document", rules.APPROVED)],
        [("document", rules.APPROVED), ("selfie", None)],
        [("document", rules.APPROVED), ("selfie", rules.REJECTED)],
        [("document", rules.APPROVED), ("document", rules.APPROVED)],
    ],
)
def test_evidence_is_incomplete_otherwise(files: list[tuple[str, str | None]]) -> None:
    assert not rules.evidence_complete([_file(k, d) for k, d in files])
