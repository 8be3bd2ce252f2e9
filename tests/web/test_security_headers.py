"""Every answer carries the security headers; the pages a strict CSP; HSTS over TLS only."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from lastgate.app.api import create_app
from lastgate.platform.http.security_headers import PAGE_POLICY
from tests.workflow_support import settings


@pytest.fixture
def app(engine: Engine, clock):
    return create_app(settings(), engine=engine, clock=clock)


@pytest.mark.parametrize("path", ["/web/sign-in", "/web/me", "/web/no-such-page"])
def test_pages_carry_a_strict_content_security_policy(app, path: str) -> None:
    response = TestClient(app).get(path, follow_redirects=False)

    assert response.headers["content-security-policy"] == PAGE_POLICY
    assert "'unsafe-inline'" not in PAGE_POLICY
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"  # lastgate's own only
    assert response.headers["x-frame-options"] == "DENY"


def test_the_api_answers_without_sniffing_or_referrer(app) -> None:
    response = TestClient(app).get("/v1/accounts/U1/eligibility")

    assert response.status_code == 401
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "content-security-policy" not in response.headers  # /docs loads Swagger UI


def test_hsts_only_over_tls(app) -> None:
    plain = TestClient(app).get("/web/sign-in")
    tls = TestClient(app, base_url="https://lastgate.example").get("/web/sign-in")

    assert "strict-transport-security" not in plain.headers
    assert tls.headers["strict-transport-security"] == "max-age=63072000; includeSubDomains"
