"""The desk through the HTTP API, on both databases: tickets, notes, access, attachments,
redaction warnings, queues."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from lastgate.app.api import create_app
from lastgate.kernel.access import Role
from lastgate.platform.auth_tokens import issue_token
from tests.builders import account, load
from tests.desk_support import MP4, desk_settings
from tests.secret_corpus import mnemonic


@pytest.fixture
def api(engine, clock, tmp_path):
    config = desk_settings(tmp_path)
    load(engine, account("U1"), account("U2"))
    client = TestClient(create_app(config, engine=engine, clock=clock))

    def as_(subject: str, role: Role = Role.CUSTOMER) -> dict[str, str]:
        token = issue_token(config, subject, role, timedelta(hours=1), clock())
        return {"Authorization": f"Bearer {token}"}

    client.as_ = as_  # type: ignore[attr-defined]
    return client


def _open(api, uid="U1", body="My closure is blocked", **extra):
    response = api.post(
        f"/v1/accounts/{uid}/tickets",
        json={"category": "closure_blocked", "subject": "Blocked", "body": body, **extra},
        headers=api.as_(uid),
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_a_customer_opens_a_ticket_and_staff_see_it_in_the_queue(api) -> None:
    opened = _open(api)
    assert opened["ticket"]["state"] == "new"
    assert opened["ticket"]["queue"] is None  # staff only
    assert opened["warning"] is None
    queue = api.get("/v1/desk/queue?queue=closure", headers=api.as_("ada", Role.AGENT)).json()
    assert [t["id"] for t in queue] == [opened["ticket"]["id"]]
    assert queue[0]["sla"]["first_response_breached"] is False


def test_a_pasted_seed_phrase_is_removed_and_the_customer_warned(api) -> None:
    phrase = mnemonic("api", 12)
    opened = api.post(
        "/v1/accounts/U1/tickets?lang=zh",
        json={"category": "other", "subject": "Help", "body": f"my words: {phrase}"},
        headers=api.as_("U1"),
    ).json()
    assert phrase not in opened["message"]["body"]
    assert opened["message"]["secrets_removed"] == ["seed_phrase"]
    assert "助记词" in opened["warning"]


def test_internal_notes_are_for_staff_only(api) -> None:
    ticket = _open(api)["ticket"]["id"]
    agent = api.as_("ada", Role.AGENT)
    api.post(
        f"/v1/tickets/{ticket}/messages", json={"body": "AML?", "internal": True}, headers=agent
    )
    mine = api.get(f"/v1/tickets/{ticket}", headers=api.as_("U1")).json()
    assert [m["visibility"] for m in mine["messages"]] == ["public"]
    staff = api.get(f"/v1/tickets/{ticket}", headers=agent).json()
    assert [m["body"] for m in staff["messages"]][-1] == "AML?"
    refused = api.post(
        f"/v1/tickets/{ticket}/messages",
        json={"body": "x", "internal": True},
        headers=api.as_("U1"),
    )
    assert refused.status_code == 403


def test_another_customer_gets_not_found(api) -> None:
    ticket = _open(api)["ticket"]["id"]
    assert api.get(f"/v1/tickets/{ticket}", headers=api.as_("U2")).status_code == 404
    assert api.get("/v1/accounts/U1/tickets", headers=api.as_("U2")).status_code == 403


def test_attachments_by_content_and_streamed_only_to_the_owner_and_staff(api, tmp_path) -> None:
    ticket = _open(api)["ticket"]["id"]
    upload = api.post(
        f"/v1/tickets/{ticket}/attachments",
        data={"purpose": "video_statement"},
        files={"file": ("../../../../etc/cron.d/evil.png", MP4, "image/png")},
        headers=api.as_("U1"),
    )
    assert upload.status_code == 201, upload.text
    attachment = upload.json()
    assert attachment["content_type"] == "video/mp4"
    assert [p.name for p in (tmp_path / "evidence" / "desk").iterdir()] != []
    assert not (tmp_path / "etc").exists()
    url = f"/v1/tickets/{ticket}/attachments/{attachment['id']}"
    got = api.get(url, headers=api.as_("U1"))
    assert got.content == MP4
    assert got.headers["content-disposition"] == f'attachment; filename="{attachment["id"]}.mp4"'
    assert got.headers["x-content-type-options"] == "nosniff"
    assert api.get(url, headers=api.as_("ada", Role.AGENT)).status_code == 200
    assert api.get(url, headers=api.as_("U2")).status_code == 404


def test_an_executable_named_like_a_photo_is_refused(api) -> None:
    ticket = _open(api)["ticket"]["id"]
    refused = api.post(
        f"/v1/tickets/{ticket}/attachments",
        data={"purpose": "document"},
        files={"file": ("passport.png", b"MZ\x90\x00" + b"\x00" * 99, "image/png")},
        headers=api.as_("U1"),
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "ATTACHMENT_REFUSED"


def test_resolve_reopen_and_the_window(api, clock) -> None:
    ticket = _open(api)["ticket"]["id"]
    agent = api.as_("ada", Role.AGENT)
    assert (
        api.post(
            f"/v1/tickets/{ticket}/transitions", json={"event": "resolve"}, headers=api.as_("U1")
        ).status_code
        == 403
    )
    api.post(f"/v1/tickets/{ticket}/transitions", json={"event": "resolve"}, headers=agent)
    clock.advance(days=15)
    late = api.post(
        f"/v1/tickets/{ticket}/transitions", json={"event": "reopen"}, headers=api.as_("U1")
    )
    assert late.status_code == 409
    assert late.json()["error"]["code"] == "REOPEN_WINDOW_OVER"


def test_canned_replies_are_listed_and_sent(api) -> None:
    ticket = _open(api)["ticket"]["id"]
    agent = api.as_("ada", Role.AGENT)
    keys = [c["key"] for c in api.get("/v1/desk/canned-replies", headers=agent).json()]
    assert "withdraw_first" in keys
    sent = api.post(
        f"/v1/tickets/{ticket}/canned-replies",
        json={"key": "withdraw_first", "language": "zh-Hans"},
        headers=agent,
    )
    assert sent.status_code == 201
    assert sent.json()["message"]["body"].startswith("您的账户仍有资产")
    assert api.get("/v1/desk/canned-replies", headers=api.as_("U1")).status_code == 403


def test_the_assistant_answers_in_chinese_and_hands_off_to_a_person(api, engine) -> None:
    load(
        engine,
        account("U1", balances=[{"account_type": "funding", "asset": "BTC", "available": "0.5"}]),
    )
    reply = api.post(
        "/v1/accounts/U1/assistant?lang=zh-CN",
        json={"question": "为什么不能注销账户"},
        headers=api.as_("U1"),
    )
    assert reply.status_code == 200, reply.text
    body = reply.json()
    (item,) = [i for i in body["items"] if i["code"] == "ASSETS_REMAINING"]
    assert "0.5 BTC" in item["text"] and item["link"] in item["text"]
    assert body["articles"][0]["slug"] == "closing-your-account"
    handed = api.post(
        body["handoff"],
        json={"transcript": [{"role": "customer", "text": "为什么不能注销账户"}]},
        headers=api.as_("U1"),
    )
    assert handed.status_code == 201, handed.text
    ticket = handed.json()["ticket"]
    assert ticket["category"] == "closure_blocked"
    seen = api.get(f"/v1/tickets/{ticket['id']}", headers=api.as_("ada", Role.AGENT)).json()
    assert {a["purpose"] for a in seen["attachments"]} == {"transcript", "eligibility_snapshot"}


def test_anyone_can_ask_whether_a_link_is_official(api) -> None:
    good = api.get("/v1/official-channels/check", params={"value": "https://www.example.com/x"})
    assert good.status_code == 200 and good.json()["official"] is True
    trick = api.get("/v1/official-channels/check", params={"value": "https://example.com@evil.io"})
    assert trick.json() | {"reason": ""} == {
        "value": "https://example.com@evil.io",
        "kind": "url",
        "official": False,
        "normalised": "https://example.com@evil.io",
        "reason": "",
    }
    assert trick.json()["reason"] == "the link hides its real destination behind user information"
    chinese = api.get(
        "/v1/official-channels/check",
        params={"value": "https://example.com@evil.io"},
        headers={"Accept-Language": "zh-CN"},
    )
    assert chinese.json()["reason"] == "链接用用户信息隐藏了真实目的地"


def test_a_look_alike_host_is_judged_as_the_domain_a_browser_opens(api) -> None:
    # "example.com" with a Cyrillic a, and a full-width form browsers fold to example.com.
    look_alike = api.get(
        "/v1/official-channels/check", params={"value": "https://ex\u0430mple.com"}
    )
    folded = api.get(
        "/v1/official-channels/check",
        params={"value": "https://\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45.com"},
    )

    assert (look_alike.json()["official"], look_alike.json()["normalised"]) == (
        False,
        "xn--exmple-4nf.com",
    )
    assert (folded.json()["official"], folded.json()["normalised"]) == (True, "example.com")


def test_a_locked_customer_appeals_and_compliance_unlocks(api, engine, clock) -> None:
    from tests.builders import iso

    load(
        engine,
        account(
            "U1",
            holds=[
                {
                    "id": "h1",
                    "kind": "risk_lock",
                    "reason": "abnormal login",
                    "placed_by": "risk",
                    "placed_at": iso(clock()),
                }
            ],
        ),
    )
    opened = api.post(
        "/v1/accounts/U1/tickets",
        json={"category": "account_locked", "subject": "Locked", "body": "It was me"},
        headers=api.as_("U1"),
    ).json()
    url = f"/v1/tickets/{opened['ticket']['id']}/risk-lock-decision"
    decision = {"approve": True, "note": "Login confirmed"}
    assert api.post(url, json=decision, headers=api.as_("ada", Role.AGENT)).status_code == 403
    done = api.post(url, json=decision, headers=api.as_("cy", Role.COMPLIANCE))
    assert done.status_code == 200, done.text
    assert len(done.json()["holds_lifted"]) == 1
    check = api.get("/v1/accounts/U1/eligibility", headers=api.as_("U1")).json()
    assert check["eligible"] is True


def test_a_ticket_may_name_only_a_closure_of_its_own_account(api, engine) -> None:
    from sqlalchemy import func, select

    from lastgate.desk.adapters.tables import tickets

    theirs = api.post(
        "/v1/accounts/U2/closure-requests", json={"reason": "fees"}, headers=api.as_("U2")
    )
    assert theirs.status_code == 201, theirs.text
    mine = api.post(
        "/v1/accounts/U1/closure-requests", json={"reason": "fees"}, headers=api.as_("U1")
    )
    ticket = {"category": "closure_blocked", "subject": "My request", "body": "Please look"}

    def open_with(closure_id: str):
        body = ticket | {"related_closure_id": closure_id}
        return api.post("/v1/accounts/U1/tickets", json=body, headers=api.as_("U1"))

    other, unknown = open_with(theirs.json()["request"]["id"]), open_with("0" * 36)
    own = open_with(mine.json()["request"]["id"])

    assert (other.status_code, unknown.status_code, own.status_code) == (422, 422, 201)
    assert other.json() == unknown.json()  # another's closure cannot be told from none
    assert other.json()["error"]["details"][0]["path"] == "related_closure_id"
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(tickets)).scalar_one() == 1
