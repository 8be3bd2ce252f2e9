"""Request dependencies: the service context, the caller, and the reader's language."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Header, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine

from lastgate.kernel.access import Principal
from lastgate.kernel.clock import Clock
from lastgate.kernel.errors import NotAuthenticated
from lastgate.kernel.i18n import negotiate, normalize
from lastgate.kernel.settings import Settings
from lastgate.platform import token_revocation
from lastgate.platform.auth_tokens import VerifiedToken, read_token

_Service = TypeVar("_Service")


@dataclass(frozen=True)
class ApiContext:
    """What every request needs, built once by ``create_app``."""

    settings: Settings
    engine: Engine
    clock: Clock
    #: The features' use-case objects (the closure ``Workflow``, ``Campaigns``…) by type,
    #: put there by the composition root; see ``service``.
    services: Mapping[type[Any], object]

    def service(self, kind: type[_Service]) -> _Service:
        """The use-case object of type ``kind`` the app was built with."""
        found = self.services[kind]
        if not isinstance(found, kind):  # pragma: no cover - a wiring mistake
            raise TypeError(f"{kind.__name__} wired as {type(found).__name__}")
        return found


def get_context(request: Request) -> ApiContext:
    context: ApiContext = request.app.state.context
    return context


Context = Annotated[ApiContext, Depends(get_context)]

_bearer = HTTPBearer(auto_error=False, description="An HS256 JWT; see docs/api.md.")


def get_token(
    context: Context,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> VerifiedToken:
    """The ``Authorization: Bearer`` token, verified; 401 without a good one."""
    if credentials is None:
        raise NotAuthenticated("missing bearer token in the Authorization header")
    return authenticate(context, credentials.credentials)


def get_principal(token: Annotated[VerifiedToken, Depends(get_token)]) -> Principal:
    """The caller named by the ``Authorization: Bearer`` token; 401 without a good one."""
    return token.principal


def authenticate(context: ApiContext, token: str) -> VerifiedToken:
    """``token`` checked claim by claim and against the revocation list: the one way the
    API and the pages accept a token."""
    verified = read_token(context.settings, token, context.clock())
    if token_revocation.is_revoked(context.engine, verified):
        raise NotAuthenticated("token has been revoked (signed out)")
    return verified


CurrentToken = Annotated[VerifiedToken, Depends(get_token)]
CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


def get_language(
    context: Context,
    lang: Annotated[
        str | None,
        Query(max_length=35, description="Language: en or zh-Hans; overrides Accept-Language."),
    ] = None,
    accept_language: Annotated[str | None, Header(max_length=1000)] = None,
) -> str:
    """``?lang=`` when it names a supported language, else Accept-Language, else the default."""
    if lang is not None:
        chosen = normalize(lang)
        if chosen is not None:
            return chosen
    return negotiate(accept_language, context.settings.default_language)


Language = Annotated[str, Depends(get_language)]
