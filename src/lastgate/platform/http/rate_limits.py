"""Rate limits per caller, counted in a storage that several processes can share.

Each request is counted once, under the first rule its method and path match (sign-in,
the official-channel check, eligibility reads…) or else the default, for its caller: the
subject of a good bearer token or session cookie, else the client's address (sign-in is
always counted by address: nobody is signed in yet). Over the limit it is answered 429
``RATE_LIMITED`` with ``Retry-After``, before the app sees it. The counting is the
``limits`` library's sliding-window counter over a storage named by a URI (``memory://``
for one process; ``redis://`` and the others ``limits`` knows for several).

A pure ASGI middleware with one storage hit per request; a network storage is asked
from a worker thread so that the event loop never waits on it, the in-process one
(``memory://``) on the loop, without the timer thread ``limits`` would start every few
milliseconds to expire its keys. If the storage cannot be reached, requests are served
uncounted and the failure is logged: the limits guard against floods, and an outage of
the counter must not take the service down. Who the caller is comes from the token the
edge verified once for the whole request (``platform.http.deps.ReadCredentials``).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import anyio.to_thread
from limits import RateLimitItem
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import SlidingWindowCounterRateLimiter
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from lastgate.kernel.errors import LastgateError
from lastgate.platform.http.body_limits import PageError
from lastgate.platform.http.errors import RateLimited, error_response

log = logging.getLogger(__name__)
#: At most one log line a minute while the storage is unreachable.
_LOG_EVERY_SECONDS = 60.0
#: How often the in-process storage drops the counters of windows that have passed.
_EXPIRE_EVERY_SECONDS = 1.0


@dataclass(frozen=True, slots=True)
class RateRule:
    """A named limit for the requests ``matches(method, path)`` selects."""

    name: str
    limit: RateLimitItem
    matches: Callable[[str, str], bool]
    #: Count by client address even when a token names the caller (sign-in).
    by_address: bool = False


class LocalStorage(MemoryStorage):
    """``limits``' in-process storage, its expired counters dropped on the request path
    at most once a second instead of by a ``threading.Timer`` started again 10 ms after
    each one ends (a new thread every few requests under load)."""

    def __init__(self) -> None:
        super().__init__()
        self._expired_at = time.monotonic()

    # Overrides the private hook ``MemoryStorage.__schedule_expiry`` (name-mangled).
    def _MemoryStorage__schedule_expiry(self) -> None:
        now = time.monotonic()
        if now - self._expired_at >= _EXPIRE_EVERY_SECONDS:
            self._expired_at = now
            self._MemoryStorage__expire_events()  # type: ignore[attr-defined]


def rate_storage(uri: str) -> Storage:
    """The counting storage ``uri`` names (``memory://``, ``redis://host:6379/0``…);
    ``limits.errors.ConfigurationError`` for a scheme it does not know."""
    if uri == "memory://":
        return LocalStorage()
    storage = storage_from_string(uri, key_prefix="lastgate") if "://" in uri else None
    if not isinstance(storage, Storage):
        raise ValueError("not a rate-limit storage URI (memory://, redis://host:6379/0, …)")
    return storage


class RateLimits:
    """Counts each request against its rule for its caller; 429 once over the limit."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        storage: Storage,
        rules: Sequence[RateRule],
        default: RateLimitItem,
        subject_of: Callable[[Scope], str | None],
        exempt: Callable[[str], bool],
        page_error: PageError,
    ) -> None:
        self._app, self._rules, self._default = app, tuple(rules), default
        self._subject_of, self._exempt, self._page_error = subject_of, exempt, page_error
        self._in_process = isinstance(storage, MemoryStorage)
        self._limiter = SlidingWindowCounterRateLimiter(storage)
        self._logged_at = -math.inf

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self._exempt(scope["path"]):
            await self._app(scope, receive, send)
            return
        name, limit, by_address = self._rule(scope["method"], scope["path"])
        caller = self._address(scope) if by_address else self._caller(scope)
        retry_after = await self._count(limit, name, caller)
        if retry_after is None:
            await self._app(scope, receive, send)
            return
        error = RateLimited(
            f"too many requests; try again in {retry_after} seconds",
            details=[{"path": "request", "reason": name, "retry_after": str(retry_after)}],
        )
        await self._refuse(scope, receive, send, error, retry_after)

    def _rule(self, method: str, path: str) -> tuple[str, RateLimitItem, bool]:
        for rule in self._rules:
            if rule.matches(method, path):
                return rule.name, rule.limit, rule.by_address
        return "default", self._default, False

    async def _count(self, limit: RateLimitItem, name: str, caller: str) -> int | None:
        """None if the request may go on, else the seconds until it may be tried again."""
        try:
            if self._in_process:
                return self._hit(limit, name, caller)
            return await anyio.to_thread.run_sync(self._hit, limit, name, caller)
        except Exception:
            now = time.monotonic()
            if now - self._logged_at >= _LOG_EVERY_SECONDS:
                self._logged_at = now
                log.warning("rate-limit storage unavailable; requests are not counted")
            return None

    def _hit(self, limit: RateLimitItem, name: str, caller: str) -> int | None:
        if self._limiter.hit(limit, name, caller):
            return None
        reset_at, _ = self._limiter.get_window_stats(limit, name, caller)
        return max(1, math.ceil(reset_at - time.time()))

    def _caller(self, scope: Scope) -> str:
        subject = self._subject_of(scope)
        return f"sub:{subject}" if subject is not None else self._address(scope)

    @staticmethod
    def _address(scope: Scope) -> str:
        # Behind a proxy this is the proxy, unless uvicorn runs with --proxy-headers and
        # --forwarded-allow-ips naming it (docs/operations.md).
        client = scope.get("client")
        return f"ip:{client[0]}" if client else "ip:unknown"

    async def _refuse(
        self, scope: Scope, receive: Receive, send: Send, error: LastgateError, retry: int
    ) -> None:
        if scope["path"] == "/web" or scope["path"].startswith("/web/"):
            response = self._page_error(Request(scope), error)
        else:
            response = error_response(429, error.code, error.message, error.details)
        response.headers["Retry-After"] = str(retry)
        await response(scope, receive, send)
