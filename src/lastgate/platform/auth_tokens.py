"""Bearer tokens: HS256 JWTs naming a subject and a role, signed with the configured key.

The exchange's login issues them (docs/api.md); lastgate verifies every claim against the
injected clock, so one failure type, ``NotAuthenticated``, covers every way a token is bad.
A token lives at most its role's cap (``Settings.token_lifetime_cap``), and carries a
``jti`` so that signing out can revoke it (``lastgate.platform.token_revocation``).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from math import isfinite
from typing import Any

import jwt

from lastgate.kernel.access import Principal, Role
from lastgate.kernel.errors import NotAuthenticated
from lastgate.kernel.settings import Settings

ALGORITHM = "HS256"
REQUIRED_CLAIMS = ("sub", "role", "exp", "iat", "iss", "aud")


@dataclass(frozen=True, slots=True)
class VerifiedToken:
    """A token whose every claim holds: who it names, and what revoking it needs."""

    principal: Principal
    #: ``jti:`` and the ``jti`` claim (up to 64 characters); for a token without one,
    #: ``sha256:`` and a digest of the token, so every token can be revoked.
    token_id: str
    expires_at: datetime


def issue_token(settings: Settings, subject: str, role: Role, ttl: timedelta, now: datetime) -> str:
    """A signed token for ``subject`` in ``role``, valid from ``now`` for ``ttl``, which
    must not exceed the role's cap (``ValueError`` otherwise)."""
    if ttl <= timedelta(0):
        raise ValueError("ttl must be positive")
    cap = settings.token_lifetime_cap(role)
    if ttl > cap:
        raise ValueError(f"a {Role(role).value} token lives at most {_span(cap)}")
    claims = {
        "sub": subject,
        "role": Role(role).value,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": int(now.timestamp()),
        "exp": int((now + ttl).timestamp()),
        "jti": secrets.token_urlsafe(16),
    }
    return jwt.encode(claims, settings.jwt_secret.get_secret_value(), algorithm=ALGORITHM)


def verify_token(settings: Settings, token: str, now: datetime) -> Principal:
    """The principal ``token`` names; raises ``NotAuthenticated`` for any fault in it.
    Revocation is not checked here: ``platform.http.deps.authenticate`` does that."""
    return read_token(settings, token, now).principal


def read_token(settings: Settings, token: str, now: datetime) -> VerifiedToken:
    """Every claim of ``token`` checked, its lifetime against its role's cap included;
    raises ``NotAuthenticated`` for any fault in it."""
    if not token:
        raise NotAuthenticated("missing bearer token")
    claims = _decode(settings, token)
    _check_times(claims, now, settings.jwt_leeway_seconds)
    subject = claims["sub"]
    if not isinstance(subject, str) or not subject:
        raise NotAuthenticated("token subject is empty")
    try:
        role = Role(claims["role"])
    except ValueError:
        raise NotAuthenticated("token role is not one of customer, agent, compliance") from None
    cap = settings.token_lifetime_cap(role)
    if claims["exp"] - claims["iat"] > cap.total_seconds():
        raise NotAuthenticated(f"token lifetime exceeds the {_span(cap)} allowed for {role}")
    return VerifiedToken(
        Principal(subject=subject, role=role),
        _token_id(claims.get("jti"), token),
        datetime.fromtimestamp(claims["exp"], UTC),
    )


def _token_id(jti: object, token: str) -> str:
    if isinstance(jti, str) and 0 < len(jti) <= 64:
        return f"jti:{jti}"
    # No usable jti (an exchange's login may not set one): the token itself names it.
    return "sha256:" + hashlib.sha256(token.encode()).hexdigest()


def _span(cap: timedelta) -> str:
    minutes = int(cap.total_seconds() // 60)
    return f"{minutes // 60} hours" if minutes % 60 == 0 else f"{minutes} minutes"


def _decode(settings: Settings, token: str) -> dict[str, Any]:
    """Signature, algorithm, issuer, audience and presence of claims; times come after."""
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            settings.jwt_secret.get_secret_value(),
            algorithms=[ALGORITHM],
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options={
                "require": list(REQUIRED_CLAIMS),
                # Checked in _check_times against the injected clock, not the wall clock.
                "verify_exp": False,
                "verify_iat": False,
                "verify_nbf": False,
            },
        )
    except jwt.MissingRequiredClaimError as exc:
        raise NotAuthenticated(f"token lacks the {exc.claim!r} claim") from None
    except jwt.InvalidAudienceError:
        raise NotAuthenticated("token is not meant for this service (audience)") from None
    except jwt.InvalidIssuerError:
        raise NotAuthenticated("token issuer is not trusted") from None
    except jwt.InvalidAlgorithmError:
        raise NotAuthenticated(f"token algorithm must be {ALGORITHM}") from None
    except jwt.InvalidSignatureError:
        raise NotAuthenticated("token signature is invalid") from None
    except jwt.InvalidTokenError:
        raise NotAuthenticated("token is malformed") from None
    return claims


def _check_times(claims: dict[str, Any], now: datetime, leeway: int) -> None:
    instant = now.timestamp()
    times = {name: claims.get(name) for name in ("exp", "iat", "nbf")}
    for name, value in times.items():
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int | float) or not isfinite(value)
        ):
            raise NotAuthenticated(f"token {name!r} claim is not a number")
    if times["exp"] is not None and times["iat"] is not None and times["exp"] <= times["iat"]:
        raise NotAuthenticated("token expires before it was issued")
    if times["exp"] is not None and times["exp"] <= instant - leeway:
        raise NotAuthenticated("token has expired")
    if times["iat"] is not None and times["iat"] > instant + leeway:
        raise NotAuthenticated("token is issued in the future")
    if times["nbf"] is not None and times["nbf"] > instant + leeway:
        raise NotAuthenticated("token is not valid yet")
