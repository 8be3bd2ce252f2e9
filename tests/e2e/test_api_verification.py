"""Closing an account end to end over HTTP: authenticator, evidence, freeze instead."""

from __future__ import annotations

import zlib
from datetime import timedelta
from struct import pack

import pyotp
import pytest
from fastapi.testclient import TestClient

from lastgate.app.api import create_app
from lastgate.kernel.access import Role
from lastgate.platform.auth_tokens import issue_token
from tests.builders import account, load
from tests.workflow_support import customer_status, set_up_long_ago, settings


def png() -> bytes:
    """A real 1x1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return pack(">I", len(data)) + kind + data + pack(">I", zlib.crc32(kind + data))

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def api(engine, clock, tmp_path):
    config = settings().model_copy(update={"evidence_dir": tmp_path / "evidence"})
    client = TestClient(create_app(config, engine=engine, clock=clock))

    def as_(subject: str, role: Role = Role.CUSTOMER) -> dict[str, str]:
        token = issue_token(config, subject, role, timedelta(hours=1), clock())
        return {"Authorization": f"Bearer {token}"}

    client.as_ = as_  # type: ignore[attr-defined]
    return client


def enrol(api, clock, uid: str = "U1", *, established: bool = True) -> pyotp.TOTP:
    enrolment = api.post(f"/v1/accounts/{uid}/factors/totp", headers=api.as_(uid))
    assert enrolment.status_code == 201, enrolment.text
    totp = pyotp.TOTP(enrolment.json()["secret"])
    confirmed = api.post(
        f"/v1/accounts/{uid}/factors/totp/confirm",
        json={"code": totp.at(clock())},
        headers=api.as_(uid),
    )
    assert confirmed.status_code == 204, confirmed.text
    if established:  # set up long ago: a new one confirms no closure yet
        set_up_long_ago(api.app.state.context.engine, uid)
    clock.advance(seconds=30)
    return totp


def test_an_authenticator_set_up_just_now_is_refused_for_a_closure(api, engine, clock) -> None:
    load(engine, account("U1"))
    totp = enrol(api, clock, established=False)
    request = api.post(
        "/v1/accounts/U1/closure-requests", json={"reason": "privacy"}, headers=api.as_("U1")
    ).json()["request"]
    path = f"/v1/closure-requests/{request['id']}"
    api.post(f"{path}/verification", json={"method": "totp"}, headers=api.as_("U1"))
    refused = api.post(
        f"{path}/verification/check",
        json={"method": "totp", "code": totp.at(clock())},
        headers=api.as_("U1"),
    )
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["details"][0]["reason"] == "authenticator_too_new"
    again = api.get(path, headers=api.as_("U1")).json()
    assert again["state"] == "verifying"


def test_a_customer_verifies_with_totp_and_enters_cooling_off(api, engine, clock) -> None:
    load(engine, account("U1"))
    totp = enrol(api, clock)
    request = api.post(
        "/v1/accounts/U1/closure-requests", json={"reason": "privacy"}, headers=api.as_("U1")
    ).json()["request"]
    path = f"/v1/closure-requests/{request['id']}"
    assert (
        api.post(f"{path}/verification", json={"method": "totp"}, headers=api.as_("U1")).json()[
            "state"
        ]
        == "verifying"
    )
    wrong = api.post(
        f"{path}/verification/check",
        json={"method": "totp", "code": "000000"},
        headers=api.as_("U1"),
    )
    assert wrong.status_code == 422
    assert wrong.json()["error"]["code"] == "VERIFICATION_FAILED"
    done = api.post(
        f"{path}/verification/check",
        json={"method": "totp", "code": totp.at(clock())},
        headers=api.as_("U1"),
    )
    assert done.status_code == 200, done.text
    assert done.json()["state"] == "cooling_off"
    assert customer_status(engine, "U1") == "frozen"
    replay = api.post(
        f"{path}/verification/check",
        json={"method": "totp", "code": totp.at(clock())},
        headers=api.as_("U1"),
    )
    assert replay.status_code == 409  # no longer verifying


def test_a_risky_account_needs_evidence_an_agent_approves(api, engine, clock) -> None:
    load(
        engine,
        account(
            "U1",
            balances=[{"account_type": "funding", "asset": "BTC", "available": "0.00001"}],
            transfers=[
                {
                    "id": "w1",
                    "direction": "withdrawal",
                    "asset": "BTC",
                    "amount": "1.5",
                    "status": "completed",
                    "created_at": "2026-11-01T00:00:00+00:00",
                }
            ],
        ),
    )
    totp = enrol(api, clock)
    dust = api.post(
        "/v1/accounts/U1/closure-requests", json={"reason": "fees"}, headers=api.as_("U1")
    )
    assert dust.status_code == 409  # dust blocks; sweep it first (here: load without it)
    load(
        engine,
        account(
            "U1",
            transfers=[
                {
                    "id": "w1",
                    "direction": "withdrawal",
                    "asset": "BTC",
                    "amount": "1.5",
                    "status": "completed",
                    "created_at": "2026-11-01T00:00:00+00:00",
                }
            ],
        ),
    )
    request = api.post(
        "/v1/accounts/U1/closure-requests", json={"reason": "fees"}, headers=api.as_("U1")
    ).json()["request"]
    assert request["needs_evidence"] and request["needs_review"]
    path = f"/v1/closure-requests/{request['id']}"
    api.post(f"{path}/verification", json={"method": "totp"}, headers=api.as_("U1"))
    checked = api.post(
        f"{path}/verification/check",
        json={"method": "totp", "code": totp.at(clock())},
        headers=api.as_("U1"),
    )
    assert checked.json()["state"] == "verifying" and checked.json()["factor_verified"]
    fake = api.post(
        f"{path}/evidence",
        data={"kind": "document"},
        files={"file": ("passport.jpg", b"<html>not an image</html>", "image/jpeg")},
        headers=api.as_("U1"),
    )
    assert fake.status_code == 422
    ids = []
    for kind in ("document", "selfie"):
        uploaded = api.post(
            f"{path}/evidence",
            data={"kind": kind},
            files={"file": (f"{kind}.png", png(), "image/png")},
            headers=api.as_("U1"),
        )
        assert uploaded.status_code == 201, uploaded.text
        ids.append(uploaded.json()["evidence_id"])
    agent = api.as_("agent-ada", Role.AGENT)
    assert api.get(f"{path}/evidence", headers=api.as_("U1")).status_code == 403
    listed = api.get(f"{path}/evidence", headers=agent).json()
    assert {e["kind"] for e in listed} == {"document", "selfie"}
    streamed = api.get(f"{path}/evidence/{ids[0]}", headers=agent)
    assert streamed.content == png() and streamed.headers["cache-control"] == "no-store"
    first = api.post(f"{path}/evidence/{ids[0]}/review", json={"approve": True}, headers=agent)
    assert first.json()["state"] == "verifying"
    second = api.post(f"{path}/evidence/{ids[1]}/review", json={"approve": True}, headers=agent)
    assert second.json()["state"] == "in_review"  # withdrawals above the line: a human


def test_freeze_instead_and_unfreeze_after_the_delay_with_the_authenticator(
    api, engine, clock
) -> None:
    load(engine, account("U1"))
    totp = enrol(api, clock)
    frozen = api.post("/v1/accounts/U1/freeze", headers=api.as_("U1"))
    assert frozen.status_code == 201
    assert customer_status(engine, "U1") == "frozen"
    assert (
        api.post("/v1/accounts/U1/freeze", headers=api.as_("U1")).json()["error"]["code"]
        == "ALREADY_FROZEN"
    )
    early = api.post(
        "/v1/accounts/U1/unfreeze", json={"code": totp.at(clock())}, headers=api.as_("U1")
    )
    assert early.json()["error"]["code"] == "UNFREEZE_TOO_EARLY"
    clock.advance(hours=24)
    staff = api.post(
        "/v1/accounts/U1/unfreeze",
        json={"code": totp.at(clock())},
        headers=api.as_("agent-ada", Role.AGENT),
    )
    assert staff.status_code == 403
    wrong = api.post("/v1/accounts/U1/unfreeze", json={"code": "123456"}, headers=api.as_("U1"))
    assert wrong.status_code == 422
    ok = api.post(
        "/v1/accounts/U1/unfreeze", json={"code": totp.at(clock())}, headers=api.as_("U1")
    )
    assert ok.status_code == 204, ok.text
    assert customer_status(engine, "U1") == "active"


def test_evidence_for_someone_elses_request_is_refused(api, engine, clock) -> None:
    load(engine, account("U1"), account("U2"))
    request = api.post(
        "/v1/accounts/U1/closure-requests", json={"reason": "fees"}, headers=api.as_("U1")
    ).json()["request"]
    response = api.post(
        f"/v1/closure-requests/{request['id']}/evidence",
        data={"kind": "selfie"},
        files={"file": ("s.png", png(), "image/png")},
        headers=api.as_("U2"),
    )
    assert response.status_code == 404


def test_an_account_in_cooling_off_cannot_be_frozen_again(api, engine, clock) -> None:
    load(engine, account("U1"))
    totp = enrol(api, clock)
    request = api.post(
        "/v1/accounts/U1/closure-requests", json={"reason": "privacy"}, headers=api.as_("U1")
    ).json()["request"]
    path = f"/v1/closure-requests/{request['id']}"
    api.post(f"{path}/verification", json={"method": "totp"}, headers=api.as_("U1"))
    api.post(
        f"{path}/verification/check",
        json={"method": "totp", "code": totp.at(clock())},
        headers=api.as_("U1"),
    )
    assert customer_status(engine, "U1") == "frozen"  # cooling-off
    refused = api.post("/v1/accounts/U1/freeze", headers=api.as_("U1"))
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "ALREADY_FROZEN"


def test_no_code_is_sent_to_a_channel_the_customer_does_not_have(api, engine, clock) -> None:
    load(engine, account("U1", phone=None))
    request = api.post(
        "/v1/accounts/U1/closure-requests", json={"reason": "fees"}, headers=api.as_("U1")
    ).json()["request"]
    path = f"/v1/closure-requests/{request['id']}"
    refused = api.post(f"{path}/verification", json={"method": "sms"}, headers=api.as_("U1"))
    assert refused.status_code == 422
    assert refused.json()["error"]["details"] == [{"path": "method", "reason": "not_available"}]
    assert api.get(path, headers=api.as_("U1")).json()["state"] == "draft"  # nothing changed
    by_email = api.post(f"{path}/verification", json={"method": "email"}, headers=api.as_("U1"))
    assert by_email.json()["state"] == "verifying"
