"""The eligibility endpoint through HTTP: who may read what, in which language, and errors."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import jwt
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Engine

from lastgate.app.api import create_app
from lastgate.kernel.access import Role
from lastgate.kernel.settings import Settings
from lastgate.platform.auth_tokens import issue_token
from tests.builders import account, load
from tests.conftest import MovableClock
from tests.live_server import live_server

PATH = "/v1/accounts/{uid}/eligibility"
AML_REASON = "Structuring suspected, SAR-2026-0042 filed"

BUSY = account(
    "U2000",
    balances=[{"account_type": "funding", "asset": "BTC", "available": "0.5"}],
    orders=[
        {
            "id": "o-77",
            "product": "spot",
            "symbol": "BTC/USDT",
            "side": "sell",
            "kind": "limit",
            "status": "open",
            "quantity": "0.1",
            "price": "95000",
            "created_at": "2026-11-20T10:00:00+00:00",
        }
    ],
)
UNDER_INVESTIGATION = account(
    "U3000",
    holds=[
        {
            "id": "h-1",
            "kind": "aml_investigation",
            "reason": AML_REASON,
            "placed_by": "C-17",
            "placed_at": "2026-11-01T09:00:00+00:00",
        }
    ],
)


@pytest.fixture
def settings() -> Settings:
    return Settings(jwt_secret=SecretStr("e2e-test-secret-" + "s" * 48))


@pytest.fixture
def app(engine: Engine, clock: MovableClock, settings: Settings) -> FastAPI:
    load(engine, account("U1000"), BUSY, UNDER_INVESTIGATION)
    return create_app(settings, engine=engine, clock=clock)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def as_customer(settings: Settings, clock: MovableClock):  # type: ignore[no-untyped-def]
    def headers(uid: str) -> dict[str, str]:
        token = issue_token(settings, uid, Role.CUSTOMER, timedelta(minutes=15), clock())
        return {"Authorization": f"Bearer {token}"}

    return headers


@pytest.fixture
def as_staff(settings: Settings, clock: MovableClock) -> dict[str, str]:
    token = issue_token(settings, "agent-42", Role.AGENT, timedelta(minutes=15), clock())
    return {"Authorization": f"Bearer {token}"}


def _check(body: dict[str, Any], code: str) -> dict[str, Any]:
    return next(c for c in body["checks"] if c["code"] == code)


def _assert_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    error = response.json()["error"]
    assert set(error) == {"code", "message", "details"}
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    return error


# -- the customer's view ---------------------------------------------------------------


def test_customer_reads_own_report_in_english(client: TestClient, as_customer) -> None:
    response = client.get(PATH.format(uid="U2000"), headers=as_customer("U2000"))
    assert response.status_code == 200
    assert response.headers["content-language"] == "en"
    body = response.json()
    assert body["uid"] == "U2000"
    assert body["jurisdiction"] == "EU"
    assert body["checked_at"] == "2026-11-23T12:00:00Z"
    assert (body["outcome"], body["eligible"], body["needs_review"]) == ("block", False, False)
    assert (body["view"], body["language"]) == ("customer", "en")
    orders = _check(body, "OPEN_ORDERS")
    assert orders["status"] == "block"
    assert orders["resolver"] == "user"
    assert orders["message"] == "1 order is still open."
    assert orders["remediation"] == {
        "action": "cancel_orders",
        "message": "Cancel all open orders.",
        "resolves_at": None,
    }
    assert orders["evidence"][0]["id"] == "o-77"
    assets = _check(body, "ASSETS_REMAINING")
    assert assets["evidence"][0]["available"] == "0.5"


def test_customer_report_has_no_internal_keys_at_all(client: TestClient, as_customer) -> None:
    body = client.get(PATH.format(uid="U2000"), headers=as_customer("U2000")).json()
    for check in body["checks"]:
        assert set(check) == {"code", "status", "resolver", "message", "remediation", "evidence"}


def test_customer_of_a_clean_account_may_close(client: TestClient, as_customer) -> None:
    body = client.get(PATH.format(uid="U1000"), headers=as_customer("U1000")).json()
    assert (body["outcome"], body["eligible"]) == ("pass", True)
    assert _check(body, "SUPPORT_REQUIRED")["status"] == "pass"


def test_customer_reads_report_in_chinese_from_accept_language(
    client: TestClient, as_customer
) -> None:
    headers = {**as_customer("U2000"), "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}
    response = client.get(PATH.format(uid="U2000"), headers=headers)
    assert response.headers["content-language"] == "zh-Hans"
    body = response.json()
    assert body["language"] == "zh-Hans"
    orders = _check(body, "OPEN_ORDERS")
    assert orders["message"] == "有 1 笔委托尚未成交。"
    assert orders["remediation"]["message"] == "请撤销全部未成交委托。"
    assert orders["code"] == "OPEN_ORDERS"


def test_lang_query_parameter_overrides_accept_language(client: TestClient, as_customer) -> None:
    headers = {**as_customer("U2000"), "Accept-Language": "en"}
    response = client.get(PATH.format(uid="U2000"), params={"lang": "zh-CN"}, headers=headers)
    assert response.headers["content-language"] == "zh-Hans"
    assert _check(response.json(), "OPEN_ORDERS")["message"] == "有 1 笔委托尚未成交。"


def test_unsupported_lang_falls_back_to_accept_language(client: TestClient, as_customer) -> None:
    headers = {**as_customer("U2000"), "Accept-Language": "zh"}
    response = client.get(PATH.format(uid="U2000"), params={"lang": "fr"}, headers=headers)
    assert response.headers["content-language"] == "zh-Hans"


def test_customer_cannot_read_another_uid_whether_or_not_it_exists(
    client: TestClient, as_customer
) -> None:
    existing = client.get(PATH.format(uid="U2000"), headers=as_customer("U1000"))
    missing = client.get(PATH.format(uid="U9999"), headers=as_customer("U1000"))
    _assert_error(existing, 403, "FORBIDDEN")
    assert (existing.status_code, existing.content) == (missing.status_code, missing.content)


# -- confidential checks -----------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_customer_under_investigation_sees_only_support_required(
    client: TestClient, as_customer, lang: str
) -> None:
    response = client.get(
        PATH.format(uid="U3000"), params={"lang": lang}, headers=as_customer("U3000")
    )
    assert response.status_code == 200
    text = response.text
    for secret in ("COMPLIANCE_REVIEW", AML_REASON, "SAR-2026", "AML", "h-1", "C-17", "反洗钱"):
        assert secret not in text
    support = _check(response.json(), "SUPPORT_REQUIRED")
    assert (support["status"], support["remediation"]["action"]) == ("block", "contact_support")


def test_agent_sees_that_compliance_must_act_not_why(client: TestClient, as_staff) -> None:
    response = client.get(PATH.format(uid="U3000"), headers=as_staff)
    body = response.json()
    assert body["view"] == "internal"
    review = _check(body, "COMPLIANCE_REVIEW")
    assert review["status"] == "block"
    assert review["detail"] == "Only a compliance officer can see why."
    assert review["internal_evidence"] == []
    assert AML_REASON not in response.text
    assert "SUPPORT_REQUIRED" not in {c["code"] for c in body["checks"]}


def test_compliance_sees_the_investigation_with_its_reason(
    client: TestClient, settings: Settings, clock: MovableClock
) -> None:
    token = issue_token(settings, "compliance-7", Role.COMPLIANCE, timedelta(minutes=15), clock())
    body = client.get(PATH.format(uid="U3000"), headers={"Authorization": f"Bearer {token}"}).json()
    review = _check(body, "COMPLIANCE_REVIEW")
    assert review["detail"] == f"AML investigation open: {AML_REASON}"
    assert review["internal_evidence"][0]["reason"] == AML_REASON


def test_agent_sees_detail_for_every_check(client: TestClient, as_staff) -> None:
    body = client.get(PATH.format(uid="U2000"), headers=as_staff).json()
    assert all({"detail", "internal_evidence"} <= set(c) for c in body["checks"])
    assert _check(body, "OPEN_ORDERS")["detail"] == "1 order is still open."


def test_compliance_officer_gets_the_internal_view(
    client: TestClient, settings: Settings, clock: MovableClock
) -> None:
    token = issue_token(settings, "C-17", Role.COMPLIANCE, timedelta(minutes=5), clock())
    response = client.get(PATH.format(uid="U3000"), headers={"Authorization": f"Bearer {token}"})
    assert response.json()["view"] == "internal"


def test_unknown_uid_for_an_agent_is_not_found(client: TestClient, as_staff) -> None:
    error = _assert_error(
        client.get(PATH.format(uid="U9999"), headers=as_staff), 404, "ACCOUNT_NOT_FOUND"
    )
    assert error["details"] == []


# -- authentication ----------------------------------------------------------------------


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _bad_tokens(settings: Settings, clock: MovableClock) -> dict[str, dict[str, str]]:
    now = int(clock().timestamp())
    claims = {
        "sub": "U1000",
        "role": "customer",
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": now,
        "exp": now + 900,
    }
    secret = settings.jwt_secret.get_secret_value()

    def signed(key: str = secret, **changes: Any) -> dict[str, str]:
        token = jwt.encode({**claims, **changes}, key, algorithm="HS256")
        return {"Authorization": f"Bearer {token}"}

    return {
        "missing header": {},
        "not bearer": {"Authorization": "Basic dTpw"},
        "malformed": {"Authorization": "Bearer not.a.jwt"},
        "bad signature": signed(key="another-key-" + "x" * 52),
        "expired": signed(iat=now - 3600, exp=now - 600),
        "alg none": {"Authorization": f"Bearer {_b64({'alg': 'none'})}.{_b64(claims)}."},
        "wrong audience": signed(aud="someone-else"),
        "wrong issuer": signed(iss="someone-else"),
        "unknown role": signed(role="admin"),
        "no role": {
            "Authorization": "Bearer "
            + jwt.encode({k: v for k, v in claims.items() if k != "role"}, secret)
        },
    }


BAD_TOKEN_CASES = [
    "missing header",
    "not bearer",
    "malformed",
    "bad signature",
    "expired",
    "alg none",
    "wrong audience",
    "wrong issuer",
    "unknown role",
    "no role",
]


@pytest.mark.parametrize("case", BAD_TOKEN_CASES)
def test_bad_token_is_refused_with_401(
    client: TestClient, settings: Settings, clock: MovableClock, case: str
) -> None:
    headers = _bad_tokens(settings, clock)[case]
    response = client.get(PATH.format(uid="U1000"), headers=headers)
    _assert_error(response, 401, "NOT_AUTHENTICATED")
    assert response.headers["www-authenticate"] == "Bearer"


def test_token_expires_as_the_clock_moves(client: TestClient, as_customer, clock) -> None:
    headers = as_customer("U1000")
    assert client.get(PATH.format(uid="U1000"), headers=headers).status_code == 200
    clock.advance(hours=1)
    response = client.get(PATH.format(uid="U1000"), headers=headers)
    _assert_error(response, 401, "NOT_AUTHENTICATED")


# -- errors, documents, operations -------------------------------------------------------


def test_too_long_uid_is_invalid_input_with_details(client: TestClient, as_staff) -> None:
    error = _assert_error(
        client.get(PATH.format(uid="U" * 65), headers=as_staff), 422, "INVALID_INPUT"
    )
    assert error["details"][0]["path"] == "path.uid"


def test_unknown_route_answers_in_the_error_shape(client: TestClient) -> None:
    _assert_error(client.get("/v1/nowhere"), 404, "NOT_FOUND")


def test_unexpected_failure_is_500_without_internals(
    engine: Engine, settings: Settings, as_staff
) -> None:
    def broken_clock() -> Any:
        raise RuntimeError("database password is hunter2")

    app = create_app(settings, engine=engine, clock=broken_clock)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get(PATH.format(uid="U1000"), headers=as_staff)
    _assert_error(response, 500, "INTERNAL_ERROR")
    assert "hunter2" not in response.text


def test_openapi_document_lists_the_endpoint(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    operation = document["paths"]["/v1/accounts/{uid}/eligibility"]["get"]
    assert {"200", "401", "403", "404", "422"} <= set(operation["responses"])
    assert document["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert "InternalCheckOut" in document["components"]["schemas"]


def test_healthz_reports_ok(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok"}


# -- through a real server ---------------------------------------------------------------


@pytest.fixture
def live_url(app: FastAPI) -> Iterator[str]:
    with live_server(app) as url:
        yield url


def test_real_server_answers_customer_and_refuses_a_stranger(live_url: str, as_customer) -> None:
    with httpx.Client(base_url=live_url, timeout=10) as http:
        own = http.get(
            PATH.format(uid="U3000"), headers={**as_customer("U3000"), "Accept-Language": "zh"}
        )
        stranger = http.get(PATH.format(uid="U3000"), headers=as_customer("U1000"))
        anonymous = http.get(PATH.format(uid="U3000"))
    assert own.status_code == 200
    assert own.headers["content-language"] == "zh-Hans"
    assert "COMPLIANCE_REVIEW" not in own.text
    assert _check(own.json(), "SUPPORT_REQUIRED")["message"] == (
        "您的账户需由客服团队处理后方可注销。"
    )
    _assert_error(stranger, 403, "FORBIDDEN")
    _assert_error(anonymous, 401, "NOT_AUTHENTICATED")
