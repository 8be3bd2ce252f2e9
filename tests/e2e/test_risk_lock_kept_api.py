"""A risk lock kept on appeal, through the API over a real server (uvicorn, both
databases): the customer's ``/v1`` report says the lock stays, in English and Chinese,
and no longer invites an appeal; staff keep the underlying check. The customer's answer
is the same whatever lies behind the lock: with an AML investigation it is, byte for
byte, that of a lock with an identity in dispute, and a plain lock's but for the
``SUPPORT_REQUIRED`` line both of those show (docs/checks.md). The CLI's customer view
says the same."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine

from lastgate.desk.model.tickets import TicketCategory
from lastgate.desk.service import desk as d
from lastgate.desk.service.appeals import decide_risk_lock_appeal
from lastgate.eligibility.model.checks.restrictions import KEPT_ON_APPEAL
from lastgate.kernel.access import Role
from lastgate.kernel.i18n import translate
from lastgate.platform.auth_tokens import issue_token
from tests.builders import account, iso
from tests.desk_support import desk_fixtures, make_desk
from tests.live_server import live_server
from tests.workflow_support import OFFICER_A, customer

PATH = "/v1/accounts/{uid}/eligibility"
AML_REASON = "Funds traced to a sanctioned mixer"
#: The kept card's opening words, written out: the catalogue must give them in Chinese.
KEPT = {
    "en": "Your appeal was reviewed and the restriction stays",
    "zh-Hans": "您的申诉已审核，限制将继续保留",  # noqa: RUF001
}
APPEAL_EN = "Appeal to support to have the restriction lifted."
#: Risk lock alone; with an AML investigation; with an identity in dispute.
PLAIN, AML, DISPUTED = "U2", "U3", "U4"


def _locked(uid: str, clock: Any, *kinds: str, **fields: Any) -> dict[str, Any]:
    placed = iso(clock() - timedelta(days=2))
    reasons = {"risk_lock": "Abnormal login", "aml_investigation": AML_REASON}
    holds = [
        {"id": f"H-{uid}-{k}", "kind": k, "reason": reasons[k], "placed_by": "risk-engine"}
        | {"placed_at": placed}
        for k in ("risk_lock", *kinds)
    ]
    return account(uid, holds=holds, **fields)


DISPUTED_KYC = {"status": "disputed", "level": 2, "verified_at": "2023-01-16T10:00:00+00:00"}
config, app = desk_fixtures(
    lambda clock: _locked(PLAIN, clock),
    lambda clock: _locked(AML, clock, "aml_investigation"),
    lambda clock: _locked(DISPUTED, clock, kyc=DISPUTED_KYC),
)


@pytest.fixture
def live_url(app: FastAPI) -> Iterator[str]:
    with live_server(app) as url:
        yield url


def _refused(engine: Engine, clock: Any, tmp_path: Any, uid: str) -> str:
    desk = make_desk(engine, clock, tmp_path)
    ticket, _ = d.open_ticket(
        desk, customer(uid), uid, TicketCategory.ACCOUNT_LOCKED, "Locked", "It was me."
    )
    decide_risk_lock_appeal(desk, OFFICER_A, ticket.id, approve=False, note="No.")
    return ticket.id


def _get(url: str, config: Any, clock: Any, uid: str, lang: str, role: Role = Role.CUSTOMER):
    subject = uid if role is Role.CUSTOMER else "compliance-cy"
    token = issue_token(config, subject, role, timedelta(minutes=15), clock())
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": lang}
    response = httpx.get(url + PATH.format(uid=uid), headers=headers, timeout=10)
    assert response.status_code == 200 and response.headers["content-language"] == lang
    return response


def _lock(body: dict[str, Any]) -> dict[str, Any]:
    return next(c for c in body["checks"] if c["code"] == "RISK_LOCK")


def _normalised(response: httpx.Response, uid: str, *, without: str | None = None) -> str:
    """The body with who (the uid) and when (``checked_at``) taken out, and the check
    ``without`` replaced by a mark."""
    body = response.json()
    assert body.pop("uid") == uid and body.pop("checked_at")
    body["checks"] = [c if c["code"] != without else "<left out>" for c in body["checks"]]
    return json.dumps(body, ensure_ascii=False, sort_keys=True)


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_the_customer_api_says_a_lock_kept_on_appeal_stays(
    live_url, engine, clock, config, tmp_path, lang
) -> None:
    before = _lock(_get(live_url, config, clock, PLAIN, lang).json())
    assert before["status"] == "block" and KEPT[lang] not in before["remediation"]["message"]
    assert (before["remediation"]["message"] == APPEAL_EN) is (lang == "en")

    _refused(engine, clock, tmp_path, PLAIN)
    after = _get(live_url, config, clock, PLAIN, lang)
    lock = _lock(after.json())
    assert lock["status"] == "block" and lock["remediation"]["action"] == "contact_support"
    kept = translate(KEPT_ON_APPEAL.message, lang.replace("-", "_"))
    assert lock["remediation"]["message"] == kept
    assert lock["remediation"]["message"].startswith(KEPT[lang])
    assert before["remediation"]["message"] not in after.text  # no appeal invited any more
    # Staff keep the check as it is: the lock, and how it is lifted.
    staff = _lock(_get(live_url, config, clock, PLAIN, lang, Role.COMPLIANCE).json())
    assert staff["remediation"] == before["remediation"] and "Abnormal login" in staff["detail"]


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_the_kept_lock_answers_the_same_whatever_lies_behind_it(
    live_url, engine, clock, config, tmp_path, lang
) -> None:
    for uid in (PLAIN, AML, DISPUTED):
        _refused(engine, clock, tmp_path, uid)
    answers = {uid: _get(live_url, config, clock, uid, lang) for uid in (PLAIN, AML, DISPUTED)}
    aml = answers[AML]
    assert _lock(aml.json())["remediation"]["message"].startswith(KEPT[lang])
    assert _normalised(aml, AML) == _normalised(answers[DISPUTED], DISPUTED)
    assert _normalised(aml, AML, without="SUPPORT_REQUIRED") == _normalised(
        answers[PLAIN], PLAIN, without="SUPPORT_REQUIRED"
    )
    assert json.dumps(_lock(aml.json())) == json.dumps(_lock(answers[PLAIN].json()))
    for secret in ("COMPLIANCE_REVIEW", "aml_investigation", AML_REASON, "H-U3"):
        assert secret not in aml.text


def test_the_cli_customer_view_says_the_lock_stays(clock, tmp_path) -> None:
    """``lastgate check --customer-view`` reads as the account holder would: the same
    words as the API, while the operator's view keeps the check."""
    from lastgate.platform.db.engine import make_engine
    from tests.builders import snapshot
    from tests.e2e.test_cli import run, write

    env = {**os.environ, "LASTGATE_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}
    doc = write(tmp_path, snapshot(_locked(PLAIN, clock)))
    assert run(env, "ledger", "import", doc).returncode == 0
    engine = make_engine(env["LASTGATE_DATABASE_URL"])
    try:
        _refused(engine, clock, tmp_path, PLAIN)
    finally:
        engine.dispose()
    seen = json.loads(run(env, "check", PLAIN, "--json", "--customer-view", "--lang", "zh").stdout)
    assert _lock(seen)["remediation"]["message"].startswith(KEPT["zh-Hans"])
    staff = json.loads(run(env, "check", PLAIN, "--json").stdout)
    assert _lock(staff)["remediation"]["message"] == APPEAL_EN
