"""Bearer tokens: HS256 JWTs naming a subject and a role, signed with the configured key.

The exchange's login issues them (docs/api.md); lastgate verifies every claim against the
injected clock, so one failure type, ``NotAuthenticated``, covers every way a token is bad.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import jwt

from lastgate.kernel.access import Principal, Role
from lastgate.kernel.errors import NotAuthenticated
from lastgate.kernel.settings import Settings

ALGORITHM = "HS256"
REQUIRED_CLAIMS = ("sub", "role", "exp", "iat", "iss", "aud")


def issue_token(settings: Settings, subject: str, role: Role, ttl: timedelta, now: datetime) -> str:
    """A signed token for ``subject`` in ``role``, valid from ``now`` for ``ttl``."""
    if ttl <= timedelta(0):
        raise ValueError("ttl must be positive")
    claims = {
        "sub": subject,
        "role": Role(role).value,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": int(now.timestamp()),
        "exp": int((now + ttl).timestamp()),
    }
    return jwt.encode(claims, settings.jwt_secret.get_secret_value(), algorithm=ALGORITHM)


def verify_token(settings: Settings, token: str, now: datetime) -> Principal:
    """The principal ``token`` names; raises ``NotAuthenticated`` for any fault in it."""
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
    return Principal(subject=subject, role=role)


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
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise NotAuthenticated(f"token {name!r} claim is not a number")
    if times["exp"] is not None and times["exp"] <= instant - leeway:
        raise NotAuthenticated("token has expired")
    if times["iat"] is not None and times["iat"] > instant + leeway:
        raise NotAuthenticated("token is issued in the future")
    if times["nbf"] is not None and times["nbf"] > instant + leeway:
        raise NotAuthenticated("token is not valid yet")
