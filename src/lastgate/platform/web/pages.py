"""What every page needs: the signed-in person from the session cookie, the reader's
language, CSRF tokens, and rendering a Jinja2 template in that language.

The session cookie holds the same signed bearer token the API accepts (docs/web.md);
every request verifies it again, so an expired token signs the person out.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, TypeVar
from urllib.parse import urlencode, urlsplit

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool

from lastgate.kernel.access import STAFF_ROLES, Principal, Role, ensure_role
from lastgate.kernel.errors import (
    AccountClosed,
    Forbidden,
    InvalidInput,
    LastgateError,
    NotAuthenticated,
    NotFound,
)
from lastgate.kernel.i18n import ENGLISH, bcp47, negotiate, normalize, translations
from lastgate.platform.http.deps import ApiContext, authenticate, get_context
from lastgate.platform.http.errors import status_for
from lastgate.platform.http.security_headers import headers_for
from lastgate.platform.logs import request_id
from lastgate.platform.web.done import DONE
from lastgate.platform.web.error_pages import error_view
from lastgate.platform.web.language_memory import remember_language
from lastgate.platform.web.present import install
from lastgate.platform.web.qr import qr_svg

HERE = Path(__file__).resolve().parent
STATIC_DIR = HERE / "static"
SESSION_COOKIE = "lastgate_session"
ANON_COOKIE = "lastgate_anon"
LANG_COOKIE = "lastgate_lang"
CSRF_FIELD = "csrf"
SIGN_IN_PATH = "/web/sign-in"
#: The ways in and out (the sign-in page, the token hand-over, signing out, the demo's
#: sign-in): never the page signing in leads back to.
SIGN_IN_PAGES = frozenset({SIGN_IN_PATH, "/web/session", "/web/sign-out", "/web/demo-login"})
#: Each role's start page (where ``/web`` and a sign-in lead).
HOME = {
    Role.CUSTOMER: "/web/me",
    Role.AGENT: "/web/agent",
    Role.COMPLIANCE: "/web/compliance",
}
#: Where a closed account's customer is sent, whatever they asked for (``AccountClosed``).
CLOSED_PATH = "/web/me/closed"
_env = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(["html"]),
    extensions=["jinja2.ext.i18n", "jinja2.ext.do"],
    trim_blocks=True,
    lstrip_blocks=True,
)


install(_env)  # labels, amounts, money, dates in the page's language (present.py)
_env.filters["qr"] = qr_svg


def gettext_for(language: str) -> Callable[..., str]:
    """``_(msgid, **params)`` for templates: translated, then placeholders filled in."""
    catalog = translations(language)

    def gettext(msgid: str, **params: Any) -> str:
        text = catalog.gettext(msgid)
        return text.format(**params) if params else text

    return gettext


def is_local_http(request: Request) -> bool:
    """Plain http is tolerated only on this machine (the demo, the browser tests)."""
    return request.url.scheme == "http" and request.url.hostname in {"127.0.0.1", "localhost"}


def set_cookie(request: Request, response: Response, name: str, value: str, **extra: Any) -> None:
    response.set_cookie(
        name,
        value,
        httponly=True,
        secure=not is_local_http(request),
        samesite="lax",
        path="/web",
        **extra,
    )


def csrf_token(secret: str, session: str) -> str:
    """HMAC of the session (or of the anonymous visitor's cookie) under the server key."""
    return hmac.new(secret.encode(), f"csrf|{session}".encode(), hashlib.sha256).hexdigest()


def page_language(request: Request, context: ApiContext) -> str:
    """``?lang=``, else the language cookie, else Accept-Language, else the default."""
    for candidate in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)):
        if candidate and (chosen := normalize(candidate)) is not None:
            return chosen
    return negotiate(request.headers.get("accept-language"), context.settings.default_language)


def remember_page_language(request: Request, response: Response, language: str) -> None:
    """Keep a language chosen with ``?lang=`` in its cookie, for the pages that follow."""
    set_cookie(request, response, LANG_COOKIE, language, max_age=31536000)


def keep_language(request: Request, response: Response) -> Response:
    """A redirect keeps an explicit ``?lang=``: the page it leads to reads it from the
    cookie, as every page does after a switch (a page remembers it as it renders)."""
    chosen = normalize(request.query_params.get("lang") or "")
    if chosen is not None and 300 <= response.status_code < 400:
        remember_page_language(request, response, chosen)
    return response


def local_path(path: str | None) -> str | None:
    """``path`` if it is one of these pages' paths (``/web`` or under it: no scheme, host,
    query, ``//``, ``..``, backslash or control character), else ``None``: what a
    redirect may lead to without becoming an open redirect."""
    if not path or not (path == "/web" or path.startswith("/web/")):
        return None
    if "//" in path or "\\" in path or "/../" in path or path.endswith("/.."):
        return None
    if any(ch in path for ch in "?#") or any(ord(ch) < 0x21 or ord(ch) == 0x7F for ch in path):
        return None
    return path


def form_page(request: Request) -> str | None:
    """The page a form was sent from: the Referer's path when it is this site's page."""
    parts = urlsplit(request.headers.get("referer", ""))
    if (parts.scheme, parts.netloc) != (request.url.scheme, request.url.netloc):
        return None
    return local_path(parts.path)


def page_path(request: Request, principal: Principal | None) -> str:
    """The page a request is about: its own address for a GET, else the form's page
    (its Referer), else the start page, since a form's address is not a page."""
    if request.method in ("GET", "HEAD"):
        return request.url.path
    return form_page(request) or (HOME[principal.role] if principal else "/web")


_Service = TypeVar("_Service")


@dataclass
class Page:
    """One page request: who asks, in which language, and how to answer in HTML."""

    request: Request
    context: ApiContext
    language: str
    principal: Principal | None
    anon: str | None = None

    def service(self, kind: type[_Service]) -> _Service:
        """The use-case object of type ``kind`` (see ``ApiContext.service``)."""
        return self.context.service(kind)

    @property
    def me(self) -> Principal:
        if self.principal is None:
            raise NotAuthenticated("sign in first")
        return self.principal

    def csrf(self) -> str:
        session = self.request.cookies.get(SESSION_COOKIE) or self.anon or ""
        return csrf_token(self.context.settings.jwt_secret.get_secret_value(), session)

    def render(self, template: str, status: int = 200, **values: Any) -> HTMLResponse:
        _ = gettext_for(self.language)
        html = _env.get_template(template).render(
            _=_,
            lang=bcp47(self.language),
            language=self.language,
            gap=WORD_GAP.get(self.language, ""),
            path=self.request.url.path,
            principal=self.principal,
            csrf_field=CSRF_FIELD,
            csrf=self.csrf(),
            now=self.context.clock(),
            switch_path=page_path(self.request, self.principal),
            demo_login=self.context.settings.demo_login,
            done=_(DONE[done]) if (done := self.request.query_params.get("done")) in DONE else "",
            **values,
        )
        response = HTMLResponse(html, status_code=status)
        response.headers["Content-Language"] = bcp47(self.language)
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Frame-Options"] = "DENY"
        if "lang" in self.request.query_params:
            remember_page_language(self.request, response, self.language)
        if self.anon is not None and ANON_COOKIE not in self.request.cookies:
            set_cookie(self.request, response, ANON_COOKIE, self.anon)
        return response


async def _csrf_ok(request: Request, context: ApiContext) -> bool:
    session = request.cookies.get(SESSION_COOKIE) or request.cookies.get(ANON_COOKIE) or ""
    sent = str((await request.form()).get(CSRF_FIELD, ""))
    expected = csrf_token(context.settings.jwt_secret.get_secret_value(), session)
    return bool(session) and hmac.compare_digest(sent, expected)


class CsrfRefused(Forbidden):
    """A form came back without this session's CSRF token."""

    code = "CSRF_REFUSED"


class SessionEnded(NotAuthenticated):
    """A form of a signed-in page came back when its session had ended (signed out in
    another tab, expired): the sign-in page says so (``signed_out``)."""


async def _page(request: Request, context: ApiContext, *, signed_in: bool) -> Page:
    principal = None
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        try:
            principal = authenticate(context, token).principal
        except NotAuthenticated:
            if signed_in:
                raise
    elif signed_in:
        # A form that carries a CSRF token was sent from a page of a session, gone now.
        if request.method == "POST" and (await request.form()).get(CSRF_FIELD):
            raise SessionEnded("the session this form was sent from has ended")
        raise NotAuthenticated("sign in first")
    if request.method == "POST" and not await _csrf_ok(request, context):
        raise CsrfRefused("the form is stale or was not sent by lastgate's page; reload it")
    anon = None if token else request.cookies.get(ANON_COOKIE) or secrets.token_urlsafe(24)
    language = page_language(request, context)
    if principal is not None and "lang" in request.query_params:  # switched: theirs now
        await run_in_threadpool(remember_language, context, principal, language)
    return Page(request, context, language, principal, anon)


async def any_page(request: Request, context: Annotated[ApiContext, Depends(get_context)]) -> Page:
    """A page anyone may open (sign-in); POSTs still need the CSRF token."""
    return await _page(request, context, signed_in=False)


def _role_page(*roles: Role) -> Callable[..., Coroutine[Any, Any, Page]]:
    async def dependency(
        request: Request, context: Annotated[ApiContext, Depends(get_context)]
    ) -> Page:
        page = await _page(request, context, signed_in=True)
        ensure_role(page.me, roles, "this page is not for your role")
        return page

    return dependency


async def _customer_action(
    request: Request, context: Annotated[ApiContext, Depends(get_context)]
) -> Page:
    page = await _role_page(Role.CUSTOMER)(request, context)
    await run_in_threadpool(remember_language, context, page.principal, page.language)
    return page


CustomerPage = Annotated[Page, Depends(_role_page(Role.CUSTOMER))]
#: A customer's page for what they write (to support, to the assistant): the language they
#: write it in is remembered as theirs, for the notices that answer it.
CustomerActionPage = Annotated[Page, Depends(_customer_action)]
SignedInPage = Annotated[Page, Depends(_role_page(*Role))]
StaffPage = Annotated[Page, Depends(_role_page(*STAFF_ROLES))]
CompliancePage = Annotated[Page, Depends(_role_page(Role.COMPLIANCE))]
AnyPage = Annotated[Page, Depends(any_page)]


#: What goes between a label ending in a colon and its value: a space in English, none
#: after Chinese's full-width colon (no space after it). Every page has it as ``gap``.
WORD_GAP = {ENGLISH: " "}


def see_other(url: str) -> RedirectResponse:
    """After a POST: the browser GETs the result (no resubmission on reload)."""
    return RedirectResponse(url, status_code=303)


def _principal_or_none(request: Request, context: ApiContext) -> Principal | None:
    """The signed-in person for an error page's header, if the session still holds."""
    token = request.cookies.get(SESSION_COOKIE)
    try:
        return authenticate(context, token).principal if token else None
    except Exception:  # an error page must render even when this check fails
        return None


def error_page(request: Request, error: LastgateError, status: int) -> Response:
    """``error`` as a page in the reader's language that says what happened and what to
    do next (``error_pages``), under the signed-in header when the session still holds."""
    context: ApiContext = request.app.state.context
    principal = _principal_or_none(request, context)
    page = Page(request, context, page_language(request, context), principal)
    url = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    customer = principal is not None and principal.role is Role.CUSTOMER
    form = form_page(request)
    route = str(getattr(request.scope.get("route"), "path", ""))
    view = error_view(
        error, method=request.method, url=url, customer=customer, form=form, route=route
    )
    response = page.render("error.html", status=status, view=view, request_ref=request_id.get())
    # A page's headers wherever it is answered: outside /web, and for a 500, which is
    # answered outside the security-headers middleware.
    for name, value in headers_for("/web", request.url.scheme):
        response.headers.setdefault(name.decode(), value.decode())
    return response


def signed_out(request: Request, *, ended: bool = False) -> Response:
    """The sign-in page, saying the session ended when there was one (its cookie came
    along, or ``ended``), and naming the page to come back to (``next``; not a start
    page) whether or not there was: a link opened signed out (a notice's, on another
    device) leads back to its page once signed in; the cookie dropped."""
    back = local_path(page_path(request, None))
    stay = {"next": back} if back and back not in {"/web", *HOME.values(), *SIGN_IN_PAGES} else {}
    said = {"ended": "1"} if ended or SESSION_COOKIE in request.cookies else {}
    query = "?" + urlencode({**said, **stay}, safe="/") if said or stay else ""
    response = see_other(SIGN_IN_PATH + query)
    response.delete_cookie(SESSION_COOKIE, path="/web")
    return response


def _names_a_path_part(error: RequestValidationError) -> bool:
    """Whether what is not valid is a part of the address's path (a link's id)."""
    return any(detail.get("loc", ("",))[0] == "path" for detail in error.errors())


class PageRoute(APIRoute):
    """Routes that answer errors as pages: sign-in for 401, the closed account's page for
    ``AccountClosed`` (saying that what was asked was refused, after a form), an error
    page otherwise (``error_page``; an unexpected error becomes one in the app's handler).
    A redirect they answer keeps an explicit ``?lang=`` (``keep_language``)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def run(request: Request) -> Response:
            return keep_language(request, await answer(request))

        async def answer(request: Request) -> Response:
            try:
                return await handler(request)
            except NotAuthenticated as exc:
                return signed_out(request, ended=isinstance(exc, SessionEnded))
            except AccountClosed:
                return see_other(CLOSED_PATH + ("?refused=1" if request.method == "POST" else ""))
            except LastgateError as exc:
                return error_page(request, exc, status_for(exc))
            except RequestValidationError as exc:
                if request.method == "GET" and _names_a_path_part(exc):
                    return error_page(request, NotFound("no such page"), 404)  # a bad link
                bad = InvalidInput("the form is not valid: check every field")
                return error_page(request, bad, 422)

        return run
