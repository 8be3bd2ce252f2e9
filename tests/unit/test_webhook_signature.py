"""Webhook signatures: HMAC-SHA256 over "t.body", refused when altered or replayed late."""

from __future__ import annotations

import re

import pytest

from lastgate.notices.adapters.webhook_signature import (
    SignatureError,
    compute_signature,
    sign,
    verify,
)

SECRET = "whsec-test"
BODY = b'{"id":"evt_1","type":"closure.closed"}'
T = 1_795_000_000


def test_the_header_has_a_timestamp_and_a_hex_v1_signature() -> None:
    assert re.fullmatch(r"t=1795000000,v1=[0-9a-f]{64}", sign(SECRET, BODY, T))


def test_the_signature_is_the_hmac_of_timestamp_dot_body() -> None:
    import hashlib
    import hmac

    expected = hmac.new(SECRET.encode(), b"1795000000." + BODY, hashlib.sha256).hexdigest()
    assert compute_signature(SECRET, T, BODY) == expected


def test_a_fresh_signature_verifies_and_returns_its_timestamp() -> None:
    assert verify(SECRET, BODY, sign(SECRET, BODY, T), now=T + 10) == T


def test_an_altered_body_is_refused() -> None:
    with pytest.raises(SignatureError, match="no signature matches"):
        verify(SECRET, BODY + b" ", sign(SECRET, BODY, T), now=T)


def test_another_secret_is_refused() -> None:
    with pytest.raises(SignatureError):
        verify("other", BODY, sign(SECRET, BODY, T), now=T)


def test_a_replay_after_the_tolerance_is_refused() -> None:
    with pytest.raises(SignatureError, match="tolerance"):
        verify(SECRET, BODY, sign(SECRET, BODY, T), now=T + 301)


def test_a_timestamp_from_the_future_beyond_the_tolerance_is_refused() -> None:
    with pytest.raises(SignatureError, match="tolerance"):
        verify(SECRET, BODY, sign(SECRET, BODY, T), now=T - 301, tolerance=300)


def test_a_changed_timestamp_is_refused() -> None:
    header = sign(SECRET, BODY, T).replace(f"t={T}", f"t={T + 1}")
    with pytest.raises(SignatureError, match="no signature matches"):
        verify(SECRET, BODY, header, now=T)


def test_any_of_several_signatures_may_match_during_secret_rotation() -> None:
    old = compute_signature("old-secret", T, BODY)
    header = f"t={T},v1={old},v1={compute_signature(SECRET, T, BODY)}"
    assert verify(SECRET, BODY, header, now=T) == T


@pytest.mark.parametrize(
    "header", [None, "", "v1=abc", f"t={T}", f"t=soon,v1={'0' * 64}", "garbage"]
)
def test_a_missing_or_malformed_header_is_refused(header: str | None) -> None:
    with pytest.raises(SignatureError):
        verify(SECRET, BODY, header, now=T)
