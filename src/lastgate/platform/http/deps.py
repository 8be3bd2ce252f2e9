"""Request dependencies: the service context, the caller, and the reader's language.

The caller's token is verified once per request, at the edge (``ReadCredentials``, a
pure ASGI middleware): the rate limits count by the subject it names and the routes
take the same ``VerifiedToken`` from the request's scope. Its revocation is looked up
from the database on every request, after the claims: ``CurrentToken`` and
``CurrentPrincipal`` do it in one worker-thread hop of their own (inline on embedded
SQLite: ``blocking.read``), ``CurrentCaller``
leaves it to a route that does its database work in one hop anyway (``Caller.principal``
is the only way to the principal, so it cannot be skipped). Every dependency here is
``async``: FastAPI runs a plain ``def`` dependency in the thread pool, one hop each.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Header, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Receive, Scope, Send

from lastgate.kernel.access import Principal
from lastgate.kernel.clock import Clock
from lastgate.kernel.errors import NotAuthenticated
from lastgate.kernel.i18n import negotiate, normalize
from lastgate.kernel.settings import Settings
from lastgate.platform import token_revocation
from lastgate.platform.auth_tokens import VerifiedToken, read_token
from lastgate.platform.http import blocking

_Service = TypeVar("_Service")
#: Where ``ReadCredentials`` leaves its ``Credentials`` in the request's scope.
SCOPE_KEY = "lastgate.credentials"


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


def context_of(request: Request) -> ApiContext:
    """The app's ``ApiContext``. The dependencies below read it here rather than through
    ``Context``: FastAPI walks a sub-dependency on every request even when its value is
    cached, and these run on every request."""
    context: ApiContext = request.app.state.context
    return context


async def get_context(request: Request) -> ApiContext:
    return context_of(request)


Context = Annotated[ApiContext, Depends(get_context)]

_bearer = HTTPBearer(auto_error=False, description="An HS256 JWT; see docs/api.md.")


@dataclass(frozen=True, slots=True)
class Credentials:
    """The token a request came with (bearer, or on a page the session cookie) and what
    verifying its claims found: the token, or why it is refused."""

    text: str
    token: VerifiedToken | None
    refusal: NotAuthenticated | None


def request_token(scope: Scope, session_cookie: str) -> str | None:
    """The bearer token of the request, else (on a page) its session cookie."""
    cookies = None
    headers: list[tuple[bytes, bytes]] = scope["headers"]
    for name, value in headers:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                return token.strip()
        elif name == b"cookie":
            cookies = value.decode("latin-1")
    if cookies is not None and scope["path"].startswith("/web"):
        found: str | None = cookie_parser(cookies).get(session_cookie)
        return found or None
    return None


def verify_claims(context: ApiContext, text: str) -> Credentials:
    """``text``'s claims checked (signature, issuer, audience, times, role, lifetime)."""
    try:
        return Credentials(text, read_token(context.settings, text, context.clock()), None)
    except NotAuthenticated as refused:
        return Credentials(text, None, refused)


class VerifiedClaims:
    """``verify_claims`` with a memory of the tokens it accepted, by their exact text.

    Everything ``read_token`` checks but the times depends on the text and the settings
    alone, which do not change: a token accepted at ``then`` is accepted at any ``now``
    from ``then`` until its expiry plus the leeway (``iat`` and ``nbf`` that were not in
    the future then are not now; ``exp`` is checked again). Outside that span, and for
    a token never accepted, it is verified in full. Bounded; emptied when full.
    """

    def __init__(self, context: ApiContext, kept: int = 10_000) -> None:
        self._context, self._kept = context, kept
        self._leeway = timedelta(seconds=context.settings.jwt_leeway_seconds)
        self._accepted: dict[str, tuple[VerifiedToken, datetime]] = {}

    def __call__(self, text: str) -> Credentials:
        now = self._context.clock()
        known = self._accepted.get(text)
        if known is not None and known[1] <= now < known[0].expires_at + self._leeway:
            return Credentials(text, known[0], None)
        found = verify_claims(self._context, text)
        if found.token is not None:
            if len(self._accepted) >= self._kept:
                self._accepted.clear()
            self._accepted[text] = (found.token, now)
        return found


def credentials_of(scope: Scope) -> Credentials | None:
    """What ``ReadCredentials`` found for this request, if it ran and a token came."""
    state = scope.get("state")
    return state.get(SCOPE_KEY) if isinstance(state, dict) else None


class ReadCredentials:
    """Verifies the request's token once, before the guards and the routes, and leaves
    the ``Credentials`` in the scope for both. Refuses nothing itself: a route that needs
    a caller refuses a bad token, the rest of the app ignores it."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        context: ApiContext,
        session_cookie: str,
        exempt: Callable[[str], bool] = lambda path: False,
    ) -> None:
        self._app, self._session_cookie, self._exempt = app, session_cookie, exempt
        self._verify = VerifiedClaims(context)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not self._exempt(scope["path"]):
            text = request_token(scope, self._session_cookie)
            if text is not None:
                scope.setdefault("state", {})[SCOPE_KEY] = self._verify(text)
        await self._app(scope, receive, send)


def _claims(
    request: Request, context: ApiContext, credentials: HTTPAuthorizationCredentials | None
) -> VerifiedToken:
    if credentials is None:
        raise NotAuthenticated("missing bearer token in the Authorization header")
    found = credentials_of(request.scope)
    if found is None or found.text != credentials.credentials:
        found = verify_claims(context, credentials.credentials)  # no edge in front
    if found.token is None:
        raise found.refusal or NotAuthenticated("token is malformed")
    return found.token


def _refuse_if_revoked(context: ApiContext, token: VerifiedToken) -> None:
    if token_revocation.is_revoked(context.engine, token):
        raise NotAuthenticated("token has been revoked (signed out)")


@dataclass(frozen=True, slots=True)
class Caller:
    """A bearer token whose claims hold and whose revocation is still to be looked up:
    ``principal()``, from the worker thread that does the request's database work."""

    _context: ApiContext
    _token: VerifiedToken

    def principal(self) -> Principal:
        """The caller; ``NotAuthenticated`` if the token has been revoked. Blocking."""
        _refuse_if_revoked(self._context, self._token)
        return self._token.principal


async def get_caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    """The ``Authorization: Bearer`` token, its claims verified; 401 without a good one."""
    context = context_of(request)
    return Caller(context, _claims(request, context, credentials))


async def get_token(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> VerifiedToken:
    """The ``Authorization: Bearer`` token, verified and not revoked; 401 without a
    good one."""
    context = context_of(request)
    token = _claims(request, context, credentials)
    await blocking.read(context.engine, partial(_refuse_if_revoked, context, token))
    return token


async def get_principal(token: Annotated[VerifiedToken, Depends(get_token)]) -> Principal:
    """The caller named by the ``Authorization: Bearer`` token; 401 without a good one."""
    return token.principal


def authenticate(context: ApiContext, token: str) -> VerifiedToken:
    """``token`` checked claim by claim and against the revocation list: the one way the
    pages and the upload gate accept a token (the routes' dependencies do the same in
    two steps). Blocking."""
    verified = read_token(context.settings, token, context.clock())
    _refuse_if_revoked(context, verified)
    return verified


CurrentToken = Annotated[VerifiedToken, Depends(get_token)]
CurrentPrincipal = Annotated[Principal, Depends(get_principal)]
CurrentCaller = Annotated[Caller, Depends(get_caller)]


async def get_language(
    request: Request,
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
    return negotiate(accept_language, context_of(request).settings.default_language)


Language = Annotated[str, Depends(get_language)]
