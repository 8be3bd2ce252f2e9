"""Bearer tokens: what is issued verifies, and every kind of bad token is refused."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from pydantic import SecretStr

from lastgate.kernel.access import Principal, Role
from lastgate.kernel.errors import NotAuthenticated
from lastgate.kernel.settings import Settings
from lastgate.platform.auth_tokens import issue_token, read_token, verify_token

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
    return _b64_text(json.dumps(data))


def _b64_text(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode()


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
    jti = claims.pop("jti")
    assert claims == _claims()
    assert isinstance(jti, str) and len(jti) >= 16


def test_every_issued_token_has_its_own_id() -> None:
    tokens = [issue_token(SETTINGS, "U1000", Role.CUSTOMER, timedelta(minutes=15), NOW)]
    tokens.append(issue_token(SETTINGS, "U1000", Role.CUSTOMER, timedelta(minutes=15), NOW))
    first, second = (read_token(SETTINGS, t, NOW).token_id for t in tokens)
    assert first.startswith("jti:") and first != second


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


# -- lifetimes, capped by role ----------------------------------------------------------

CAPS = {Role.CUSTOMER: timedelta(hours=12), Role.AGENT: timedelta(hours=8)}
CAPS[Role.COMPLIANCE] = timedelta(hours=8)


@pytest.mark.parametrize("role", list(Role))
def test_the_default_caps_are_a_day_for_customers_and_a_shift_for_staff(role: Role) -> None:
    assert SETTINGS.token_lifetime_cap(role) == CAPS[role]


@pytest.mark.parametrize("role", list(Role))
def test_a_token_of_exactly_its_roles_cap_verifies(role: Role) -> None:
    token = issue_token(SETTINGS, "S-7", role, CAPS[role], NOW)
    assert verify_token(SETTINGS, token, NOW + CAPS[role] - timedelta(seconds=1)).role is role


@pytest.mark.parametrize("role", list(Role))
def test_issuing_beyond_the_roles_cap_is_an_error(role: Role) -> None:
    with pytest.raises(ValueError, match="at most"):
        issue_token(SETTINGS, "S-7", role, CAPS[role] + timedelta(seconds=1), NOW)


@pytest.mark.parametrize("role", list(Role))
def test_a_signed_token_living_beyond_its_roles_cap_is_refused(role: Role) -> None:
    too_long = int((NOW + CAPS[role]).timestamp()) + 1
    assert "lifetime" in _refused(_sign(_claims(role=role.value, exp=too_long)))


def test_a_token_expiring_centuries_away_is_refused() -> None:
    far = int(datetime(2400, 1, 1, tzinfo=UTC).timestamp())
    assert "lifetime" in _refused(_sign(_claims(exp=far)))


def test_a_staff_token_is_held_to_the_staff_cap_not_the_customers() -> None:
    ten_hours = int((NOW + timedelta(hours=10)).timestamp())
    assert verify_token(SETTINGS, _sign(_claims(exp=ten_hours)), NOW).role is Role.CUSTOMER
    assert "lifetime" in _refused(_sign(_claims(role="agent", exp=ten_hours)))


def test_an_old_iat_cannot_hide_a_long_lifetime() -> None:
    """A token issued long ago that expires later than the cap after its iat is refused,
    though it is well within the cap from now."""
    iat = int((NOW - timedelta(hours=12)).timestamp())
    exp = int((NOW + timedelta(minutes=5)).timestamp())
    assert "lifetime" in _refused(_sign(_claims(iat=iat, exp=exp)))


def test_the_caps_are_settings() -> None:
    short = Settings(jwt_secret=SETTINGS.jwt_secret, token_max_minutes_customer=30)
    token = issue_token(SETTINGS, "U1000", Role.CUSTOMER, timedelta(hours=1), NOW)
    with pytest.raises(NotAuthenticated, match="30 minutes"):
        verify_token(short, token, NOW)
    with pytest.raises(ValueError):
        issue_token(short, "U1000", Role.CUSTOMER, timedelta(minutes=31), NOW)


def test_a_token_issued_beyond_the_leeway_in_the_future_is_refused_within_it_accepted() -> None:
    leeway = SETTINGS.jwt_leeway_seconds
    soon = int(NOW.timestamp()) + leeway
    assert verify_token(SETTINGS, _sign(_claims(iat=soon)), NOW).subject == "U1000"
    assert "future" in _refused(_sign(_claims(iat=soon + 1)))


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity"])
def test_a_token_with_a_non_finite_time_is_refused(value: str) -> None:
    # Python's JSON reader, so PyJWT's, takes these words for numbers; none is a time.
    claims = json.dumps(_claims(exp=0)).replace('"exp": 0', f'"exp": {value}')
    signing_input = f"{_b64({'alg': 'HS256', 'typ': 'JWT'})}.{_b64_text(claims)}"
    key = SETTINGS.jwt_secret.get_secret_value().encode()
    mac = hmac.new(key, signing_input.encode(), hashlib.sha256).digest()
    token = f"{signing_input}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"
    assert "not a number" in _refused(token)


def test_a_token_that_expires_before_it_was_issued_is_refused() -> None:
    assert _refused(_sign(_claims(exp=int(NOW.timestamp()) + 60, iat=int(NOW.timestamp()) + 61)))


def test_a_token_without_a_jti_is_named_by_its_digest() -> None:
    token = _sign(_claims())
    token_id = read_token(SETTINGS, token, NOW).token_id
    assert token_id.startswith("sha256:") and token_id == read_token(SETTINGS, token, NOW).token_id
