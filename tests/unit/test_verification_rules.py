"""The rules of step-up verification, without a database: codes, time steps, attempts and
lockout, evidence types."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from lastgate.closure.model import attempts as limits
from lastgate.closure.model import verification as rules
from lastgate.kernel.errors import (
    CodeSendLimited,
    InvalidInput,
    VerificationFailed,
    VerificationLocked,
)
from lastgate.kernel.policy import VerificationPolicy

POLICY = VerificationPolicy()
T0 = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def test_the_default_limits() -> None:
    assert (POLICY.otp_ttl_minutes, POLICY.otp_max_attempts) == (10, 5)
    assert (POLICY.lockout_minutes, POLICY.totp_valid_window) == ((15, 60, 1440), 1)
    assert POLICY.max_consecutive_failures == 100  # NIST SP 800-63B §5.2.2's ceiling
    assert (POLICY.code_sends_per_hour, POLICY.code_resend_seconds) == (5, 60)


@pytest.mark.parametrize(
    "fields",
    [{"lockout_minutes": (60, 15)}, {"lockout_minutes": ()}, {"max_consecutive_failures": 101}],
)
def test_lockouts_that_shrink_or_a_ceiling_above_nists_are_refused(fields) -> None:
    with pytest.raises(ValueError):
        VerificationPolicy(**fields)


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


def count_after(failures: int, now=T0) -> limits.AttemptCount:
    count = limits.AttemptCount()
    for _ in range(failures):
        count = limits.after_failure(count, POLICY, now)
    return count


def test_not_locked_without_a_lock() -> None:
    limits.ensure_may_try(limits.AttemptCount(), POLICY, T0)
    assert limits.lock_in_force(limits.AttemptCount(), T0) is None


def test_every_fifth_failure_locks_and_each_lock_lasts_longer() -> None:
    assert count_after(4).locked_until is None
    assert count_after(5).locked_until == T0 + timedelta(minutes=15)
    assert count_after(10).locked_until == T0 + timedelta(minutes=60)
    assert count_after(15).locked_until == T0 + timedelta(minutes=1440)
    assert count_after(20).locked_until == T0 + timedelta(minutes=1440)  # the last repeats
    assert count_after(6).locked_until == T0 + timedelta(minutes=15)  # the old lock, ended


def test_a_lock_holds_until_its_end_and_refuses_every_try() -> None:
    count = count_after(5)
    with pytest.raises(VerificationLocked) as locked:
        limits.ensure_may_try(count, POLICY, T0 + timedelta(minutes=14, seconds=59))
    assert locked.value.details[0]["locked_until"] == (T0 + timedelta(minutes=15)).isoformat()
    limits.ensure_may_try(count, POLICY, T0 + timedelta(minutes=15))


def test_at_the_ceiling_only_recovery_lifts_the_lock() -> None:
    count = count_after(100)
    assert limits.locked_for_good(count, POLICY)
    with pytest.raises(VerificationLocked) as locked:
        limits.ensure_may_try(count, POLICY, T0 + timedelta(days=3650))
    assert locked.value.details == [{"path": "code", "reason": "locked_until_recovery"}]


def test_tries_left_count_down_in_each_run_of_five() -> None:
    left = [limits.tries_left(count_after(n), POLICY) for n in (0, 1, 4, 5, 6, 9, 99)]
    assert left == [5, 4, 1, 5, 4, 1, 1]


def test_a_failure_says_tries_left_but_not_why() -> None:
    error = limits.failure_error(count_after(4), POLICY, T0)
    assert isinstance(error, VerificationFailed)
    assert error.message == "the code is not valid; 1 try left"
    assert error.details == [{"path": "code", "reason": "invalid", "tries_left": "1"}]


def test_a_code_may_go_out_once_a_minute_and_five_times_an_hour() -> None:
    assert limits.next_send_at([], POLICY, T0) is None
    assert limits.next_send_at([T0], POLICY, T0 + timedelta(seconds=30)) == T0 + timedelta(
        seconds=60
    )
    assert limits.next_send_at([T0], POLICY, T0 + timedelta(seconds=60)) is None
    five = [T0 + timedelta(minutes=m) for m in range(5)]
    at = T0 + timedelta(minutes=10)
    assert limits.next_send_at(five, POLICY, at) == T0 + timedelta(hours=1)
    assert limits.next_send_at(five, POLICY, T0 + timedelta(hours=1)) is None
    with pytest.raises(CodeSendLimited) as limited:
        limits.ensure_may_send(five, POLICY, at)
    assert limited.value.details[0]["next_send_at"] == (T0 + timedelta(hours=1)).isoformat()


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


def _file(kind: str, decision: str | None, minutes: int = 0) -> rules.EvidenceFile:
    return rules.EvidenceFile(
        "e", kind, rules.JPEG, 1, "0" * 64, T0 + timedelta(minutes=minutes), decision
    )


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


S = rules.EvidenceStanding


@pytest.mark.parametrize(
    ("files", "document", "selfie"),
    [
        ([], S.MISSING, S.MISSING),
        ([("document", None, 0)], S.RECEIVED, S.MISSING),
        ([("document", None, 0), ("selfie", None, 1)], S.RECEIVED, S.RECEIVED),
        ([("document", rules.APPROVED, 0), ("selfie", rules.REJECTED, 1)], S.ACCEPTED, S.REFUSED),
        # A new file after a refused one is waiting again; the order of the list is not
        # the order of the uploads.
        ([("selfie", None, 5), ("selfie", rules.REJECTED, 1)], S.MISSING, S.RECEIVED),
        ([("selfie", None, 1), ("selfie", rules.REJECTED, 5)], S.MISSING, S.REFUSED),
        # One accepted file settles its kind, whatever came after it.
        ([("document", rules.APPROVED, 0), ("document", rules.REJECTED, 5)], S.ACCEPTED, S.MISSING),
    ],
)
def test_where_each_kind_of_evidence_stands(files, document, selfie) -> None:
    standing = rules.evidence_standing([_file(k, d, m) for k, d, m in files])
    assert standing == {"document": document, "selfie": selfie}
    assert list(standing) == ["document", "selfie"]  # the order the customer is asked in
    assert rules.evidence_complete([_file(k, d, m) for k, d, m in files]) == (
        document is selfie is S.ACCEPTED
    )


@pytest.mark.parametrize(
    ("kind", "approve", "refusal", "error"),
    [
        ("selfie", False, "", "missing"),  # the customer is told why: a reason is needed
        ("document", False, "face_mismatch", "unknown_refusal"),  # not a document's reason
        ("selfie", False, "under investigation", "unknown_refusal"),  # never free text
        ("document", True, "expired", "not_refused"),
    ],
)
def test_a_decision_records_a_reason_only_from_its_kind_s_list(kind, approve, refusal, error):
    with pytest.raises(InvalidInput) as refused:
        rules.decision_reason(kind, approve=approve, refusal=refusal)
    assert refused.value.details[0]["reason"] == error


def test_a_refusal_s_reason_is_kept_until_a_new_file_of_its_kind_comes() -> None:
    assert rules.decision_reason("document", approve=True, refusal=None) is None
    why = rules.decision_reason("selfie", approve=False, refusal="face_not_visible")
    refused = replace(_file("selfie", rules.REJECTED, 1), refusal=why)
    assert rules.refusals([_file("document", rules.APPROVED), refused]) == {"selfie": why}
    assert rules.refusals([refused, _file("selfie", None, 5)]) == {}  # sent again
    assert rules.refusals([_file("selfie", rules.REJECTED)]) == {}  # refused without a reason
