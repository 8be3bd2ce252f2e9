"""Over HTTP, on both databases: a secret typed into a closure reason is removed before it
is stored, and the answer says so (``secrets_removed``, a ``warning`` in the caller's
language); a hold's reason and a lift note keep only the redacted text, in the holds and
approvals tables and in the audit log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from lastgate.app.api import create_app
from lastgate.kernel.access import Role
from lastgate.ledger.adapters import tables as ledger
from lastgate.platform import audit_log
from lastgate.platform.auth_tokens import issue_token
from tests.builders import account, load
from tests.secret_corpus import mnemonic, wif
from tests.workflow_support import settings


@pytest.fixture
def api(engine, clock):
    config = settings()
    load(engine, account("U1"))
    client = TestClient(create_app(config, engine=engine, clock=clock))

    def as_(subject: str, role: Role = Role.CUSTOMER) -> dict[str, str]:
        token = issue_token(config, subject, role, timedelta(hours=1), clock())
        return {"Authorization": f"Bearer {token}"}

    client.as_ = as_  # type: ignore[attr-defined]
    return client


def _submit(api, reason_text: str, lang: str = "en"):
    return api.post(
        f"/v1/accounts/U1/closure-requests?lang={lang}",
        json={"reason": "other", "reason_text": reason_text},
        headers=api.as_("U1"),
    )


def test_a_secret_in_the_reason_is_removed_and_the_customer_told(api) -> None:
    words = mnemonic("api-reason", 12, "chinese_traditional").split()
    response = _submit(api, f"助記詞：{'、'.join(words)}；另外 WIF {wif('api')}", "zh-Hans")  # noqa: RUF001
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["request"]["reason_text"] == (
        "助記詞：[REDACTED:seed_phrase]；另外 WIF [REDACTED:private_key_wif]"  # noqa: RUF001
    )
    assert body["secrets_removed"] == ["private_key_wif", "seed_phrase"]
    assert body["warning"].startswith("我们在保存您的消息之前")
    read = api.get(f"/v1/closure-requests/{body['request']['id']}", headers=api.as_("U1"))
    assert read.json()["reason_text"] == body["request"]["reason_text"]


def test_an_ordinary_reason_is_stored_as_typed_with_no_warning(api) -> None:
    typed = "手续费太高了，我要换平台。 Fees are too high; moving to another exchange."  # noqa: RUF001
    body = _submit(api, typed).json()
    assert body["request"]["reason_text"] == typed
    assert body["secrets_removed"] == [] and body["warning"] is None


def test_a_hold_reason_and_a_lift_note_are_stored_redacted(api, engine) -> None:
    phrase = mnemonic("api-hold", 18)
    officer = api.as_("compliance-cy", Role.COMPLIANCE)
    placed = api.post(
        "/v1/accounts/U1/holds",
        json={"kind": "law_enforcement", "reason": f"case 7; suspect wrote {phrase}"},
        headers=officer,
    )
    assert placed.status_code == 201, placed.text
    hold_id = placed.json()["hold_id"]
    lifted = api.post(
        f"/v1/holds/{hold_id}/lift", json={"note": f"their key {wif('lift')}"}, headers=officer
    )
    assert lifted.status_code == 200, lifted.text
    with engine.connect() as conn:
        reason = conn.execute(select(ledger.holds.c.reason)).scalar_one()
        payloads = list(conn.execute(select(audit_log.audit_log.c.payload)).scalars())
    assert reason == "case 7; suspect wrote [REDACTED:seed_phrase]"
    assert any('"note":"their key [REDACTED:private_key_wif]"' in p for p in payloads)
    assert not any(wif("lift") in p for p in payloads)
