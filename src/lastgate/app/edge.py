"""The guards in front of every route, with the routes they single out: rate limits per
caller (sign-in, the official-channel check, eligibility reads, the rest), and body
limits with the upload gate (identity evidence, ticket attachments).

Outermost first: security headers, the caller's credentials (the token verified once
for the request), rate limits, body limits, then the app; so a flood is cut before any
body is looked at, and every refusal still carries the headers.
"""

from __future__ import annotations

import re

from fastapi import FastAPI
from limits import parse
from starlette.types import Scope

from lastgate.erasure.model.certificate import VERIFY_PATH
from lastgate.kernel.settings import Settings
from lastgate.platform.http.body_limits import BodyLimits, UploadRoute, bearer_gate
from lastgate.platform.http.deps import ApiContext, ReadCredentials, authenticate, credentials_of
from lastgate.platform.http.rate_limits import RateLimits, RateRule, rate_storage
from lastgate.platform.policy_files import PolicyDirectory
from lastgate.platform.web.edge import page_error, page_upload_gate
from lastgate.platform.web.pages import SESSION_COOKIE

#: Room for the multipart framing and the small fields sent with a file.
MULTIPART_SLACK = 64 * 1024
_ID = r"[^/]+"
_ELIGIBILITY = re.compile(rf"/v1/accounts/{_ID}/eligibility")


def upload_routes(context: ApiContext, policies: PolicyDirectory) -> list[UploadRoute]:
    """The routes that take a file, each with its limit: the evidence limit for identity
    evidence, the largest attachment any jurisdiction allows for ticket attachments
    (the route then holds each ticket to its own jurisdiction's)."""
    settings = context.settings

    def check_token(token: str) -> None:
        authenticate(context, token)  # as every route does: claims, then revocation

    api, page = bearer_gate(check_token), page_upload_gate(settings, check_token)
    evidence = settings.evidence_max_bytes + MULTIPART_SLACK
    attachment = max(p.desk.attachment_max_bytes for p in policies.policies.values())
    attachment += MULTIPART_SLACK
    return [
        UploadRoute(re.compile(rf"/v1/closure-requests/{_ID}/evidence"), evidence, api),
        UploadRoute(re.compile(rf"/web/closure/{_ID}/evidence"), evidence, page),
        UploadRoute(re.compile(rf"/v1/tickets/{_ID}/attachments"), attachment, api),
        UploadRoute(re.compile(rf"/web/tickets/{_ID}/attachments"), attachment, page),
    ]


def _sign_in(method: str, path: str) -> bool:
    return path == "/web/session" or (path == "/web/demo-login" and method == "POST")


def _official_check(method: str, path: str) -> bool:
    # Is this ours? A link or number, or a closure certificate someone was given.
    return path in ("/v1/official-channels/check", "/web/official", VERIFY_PATH)


def _eligibility(method: str, path: str) -> bool:
    # The API's report, and the self-check page, which runs every check too.
    return _ELIGIBILITY.fullmatch(path) is not None or (path == "/web/me" and method == "GET")


def rate_rules(settings: Settings) -> list[RateRule]:
    """The separately limited kinds of request, first match wins; the rest is default."""
    return [
        RateRule("sign_in", parse(settings.rate_limit_sign_in), _sign_in, by_address=True),
        RateRule("official_check", parse(settings.rate_limit_official_check), _official_check),
        RateRule("eligibility", parse(settings.rate_limit_eligibility), _eligibility),
    ]


def _exempt(path: str) -> bool:
    # Health checks come from the load balancer, scrapes from monitoring; static files
    # with every page.
    return path in ("/healthz", "/readyz", "/metrics") or path.startswith("/web/static/")


def _subject_of(scope: Scope) -> str | None:
    # A token whose claims do not hold (forged, expired) names nobody: counted by address.
    found = credentials_of(scope)
    return found.token.principal.subject if found is not None and found.token else None


def install_guards(app: FastAPI, context: ApiContext) -> None:
    """Add the body and rate limits and, in front of them, the credentials' check; call
    before adding the security headers, which must stay outermost."""
    settings = context.settings
    policies = PolicyDirectory.load(settings.policy_dir)

    app.add_middleware(
        BodyLimits,
        max_body_bytes=settings.max_body_bytes,
        uploads=upload_routes(context, policies),
        page_error=page_error,
    )
    app.add_middleware(
        RateLimits,
        storage=rate_storage(settings.rate_limit_storage_uri.get_secret_value()),
        rules=rate_rules(settings),
        default=parse(settings.rate_limit_default),
        subject_of=_subject_of,
        exempt=_exempt,
        page_error=page_error,
    )
    app.add_middleware(
        ReadCredentials, context=context, session_cookie=SESSION_COOKIE, exempt=_exempt
    )
