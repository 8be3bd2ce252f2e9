"""Bearer tokens: what is issued verifies, and every kind of bad token is refused."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from pydantic import SecretStr

from lastgate.kernel.access import Principal, Role
from lastgate.kernel.errors import NotAuthenticated
from lastgate.kernel.settings import Settings
from lastgate.platform.auth_tokens import issue_token, verify_token

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
SETTINGS = Settings(jwt_secret=SecretStr("unit-test-secret-" + "k" * 48))


def _claims(**overrides: Any) -> dict[str, Any]:
    claims: dict[str, Any] = {
        "sub": "U1000",
        "role": "customer",
        "iss": SETTINGS.jwt_issuer,
        "aud": SETTINGS.jwt_audience,
        "iat": int(NOW.timestamp()),
        "exp": int((NOW + timedelta(minutes=15)).timestamp()),
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def _sign(claims: dict[str, Any], key: str | None = None, algorithm: str = "HS256") -> str:
    secret = key if key is not None else SETTINGS.jwt_secret.get_secret_value()
    return jwt.encode(claims, secret, algorithm=algorithm)


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _refused(token: str, now: datetime = NOW) -> str:
    with pytest.raises(NotAuthenticated) as caught:
        verify_token(SETTINGS, token, now)
    return caught.value.message


@pytest.mark.parametrize("role", list(Role))
def test_issued_token_verifies_to_its_subject_and_role(role: Role) -> None:
    token = issue_token(SETTINGS, "S-7", role, timedelta(minutes=15), NOW)
    assert verify_token(SETTINGS, token, NOW) == Principal("S-7", role)


def test_issued_token_is_hs256_with_every_claim() -> None:
    token = issue_token(SETTINGS, "U1000", Role.CUSTOMER, timedelta(minutes=15), NOW)
    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims == _claims()


def test_token_is_accepted_until_it_expires_within_the_leeway() -> None:
    token = issue_token(SETTINGS, "U1000", Role.CUSTOMER, timedelta(minutes=15), NOW)
    leeway = timedelta(seconds=SETTINGS.jwt_leeway_seconds)
    assert verify_token(
        SETTINGS, token, NOW + timedelta(minutes=15) + leeway - timedelta(seconds=1)
    )


def test_expired_token_is_refused() -> None:
    token = issue_token(SETTINGS, "U1000", Role.CUSTOMER, timedelta(minutes=15), NOW)
    assert "expired" in _refused(token, NOW + timedelta(hours=1))


def test_empty_token_is_refused() -> None:
    assert "missing" in _refused("")


@pytest.mark.parametrize("token", ["not-a-jwt", "a.b.c", "Bearer x", "e30.e30."])
def test_malformed_token_is_refused(token: str) -> None:
    _refused(token)


def test_token_signed_with_another_key_is_refused() -> None:
    token = _sign(_claims(), key="another-secret-key-of-at-least-32-bytes")
    assert "signature" in _refused(token)


def test_unsigned_alg_none_token_is_refused() -> None:
    token = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(_claims())}."
    assert "algorithm" in _refused(token)


def test_token_with_another_hmac_algorithm_is_refused() -> None:
    assert "algorithm" in _refused(_sign(_claims(), algorithm="HS512"))


def test_token_for_another_audience_is_refused() -> None:
    assert "audience" in _refused(_sign(_claims(aud="another-service")))


def test_token_from_another_issuer_is_refused() -> None:
    assert "issuer" in _refused(_sign(_claims(iss="somebody-else")))


@pytest.mark.parametrize("claim", ["sub", "role", "exp", "iat", "iss", "aud"])
def test_token_without_a_required_claim_is_refused(claim: str) -> None:
    assert claim in _refused(_sign(_claims(**{claim: None})))


@pytest.mark.parametrize("role", ["admin", "Customer", "", 1])
def test_token_with_an_unknown_role_is_refused(role: object) -> None:
    assert "role" in _refused(_sign(_claims(role=role)))


def test_token_with_an_empty_subject_is_refused() -> None:
    _refused(_sign(_claims(sub="")))


def test_token_issued_in_the_future_is_refused() -> None:
    _refused(_sign(_claims(iat=int((NOW + timedelta(hours=1)).timestamp()))))


def test_token_not_valid_yet_is_refused() -> None:
    _refused(_sign(_claims(nbf=int((NOW + timedelta(hours=1)).timestamp()))))


def test_token_with_a_non_numeric_expiry_is_refused() -> None:
    _refused(_sign(_claims(exp="tomorrow")))


def test_issuing_a_token_without_a_lifetime_is_an_error() -> None:
    with pytest.raises(ValueError):
        issue_token(SETTINGS, "U1000", Role.CUSTOMER, timedelta(0), NOW)
