"""Every documented notice is sent at its point of the workflow, in the customer's
language: the end of cooling-off, and the "being reviewed" notice, which a hold sends in
exactly the words of an ordinary review (no tipping off). On both databases."""

from __future__ import annotations

import email
from dataclasses import replace
from datetime import timedelta
from email.policy import default as email_policy
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from lastgate.app.api import create_app
from lastgate.app.worker import run_once
from lastgate.closure.model.lifecycle import ClosureOrigin, ClosureReason, ClosureState
from lastgate.closure.service import workflow as closure
from lastgate.closure.service.execution import execute_due
from lastgate.kernel.access import Role
from lastgate.kernel.errors import InvalidInput
from lastgate.kernel.i18n import ENGLISH, SIMPLIFIED_CHINESE, translate
from lastgate.ledger.model import HoldKind
from lastgate.notices.adapters import preferences
from lastgate.notices.model import compose, render
from lastgate.platform.auth_tokens import issue_token
from tests.builders import account, load
from tests.workflow_support import (
    AGENT_A,
    OFFICER_A,
    customer,
    outbox_rows,
    request_in,
    settings,
    stored,
    workflow,
)

#: Words a notice about a hold must never say, in either language.
TELLING = (
    "hold",
    "investigat",
    "laundering",
    "compliance",
    "court",
    "police",
    "law",
    "suspend",
    "调查",
    "洗钱",
    "合规",
    "司法",
    "执法",
    "暂停",
)


def topics(engine, uid: str) -> list[str]:
    return [r["topic"] for r in outbox_rows(engine) if r["payload"].get("uid") == uid]


def in_cooling_off(wf, uid: str = "U1000", **fields):
    return request_in(
        wf, ClosureState.COOLING_OFF, uid=uid, cooling_off_ends_at=wf.clock(), **fields
    )


def reviewed_after_verifying(wf, engine, uid: str):
    """A request that needs a person: the customer verifies, and it goes to review."""
    request = request_in(wf, ClosureState.VERIFYING, uid=uid, needs_review=True)
    closure.start_verification(wf, customer(uid), request.id, "email")
    [row] = [r for r in outbox_rows(engine, "verification_code") if r["payload"]["uid"] == uid]
    request = closure.verify(
        wf, customer(uid), request.id, "email", row["payload"]["params"]["code"]
    )
    assert request.state is ClosureState.IN_REVIEW
    return request


def test_the_end_of_cooling_off_is_told_when_the_timer_fires(engine, clock) -> None:
    load(engine, account("U1000"))
    wf = workflow(engine, clock)
    request = in_cooling_off(wf)
    assert execute_due(wf).closed == [request.id]
    assert topics(engine, "U1000").count("cooling_off_ended") == 2  # e-mail and SMS
    ended = outbox_rows(engine, "cooling_off_ended")[0]
    assert ended["subject_ref"] == f"closure:{request.id}"
    first_ended = min(r["created_at"] for r in outbox_rows(engine, "cooling_off_ended"))
    assert first_ended <= min(r["created_at"] for r in outbox_rows(engine, "closure_completed"))


def test_a_closure_the_platform_opened_has_no_cooling_off_to_end(engine, clock) -> None:
    load(engine, account("U1000"))
    wf = workflow(engine, clock)
    in_cooling_off(wf, origin=ClosureOrigin.CAMPAIGN, initiated_by="campaign:c1")
    assert len(execute_due(wf).closed) == 1
    assert "cooling_off_ended" not in topics(engine, "U1000")


@pytest.mark.parametrize(
    "kind", [HoldKind.AML_INVESTIGATION, HoldKind.JUDICIAL_FREEZE, HoldKind.LAW_ENFORCEMENT]
)
def test_a_hold_is_told_in_exactly_the_words_of_an_ordinary_review(engine, clock, kind) -> None:
    load(engine, account("U1"), account("U2"))
    wf = workflow(engine, clock)
    reviewed_after_verifying(wf, engine, "U1")
    held = in_cooling_off(wf, uid="U2")
    closure.place_hold(wf, OFFICER_A, "U2", kind, "case 9: structuring")
    assert stored(wf, held).state is ClosureState.ON_HOLD

    review = [r for r in outbox_rows(engine, "closure_on_hold") if r["payload"]["uid"] == "U1"]
    hold = [r for r in outbox_rows(engine, "closure_on_hold") if r["payload"]["uid"] == "U2"]
    assert [r["channel"] for r in review] == [r["channel"] for r in hold] == ["email", "sms"]
    assert review[0]["payload"]["params"] == hold[0]["payload"]["params"] == {}
    for language in (ENGLISH, SIMPLIFIED_CHINESE):
        texts = [
            render(
                compose("closure_on_hold", r["payload"]["params"], anti_phishing_code=None),
                lambda message, language=language: translate(message, language),
            )
            for r in (review[0], hold[0])
        ]
        assert texts[0] == texts[1]
        said = (texts[1].subject + texts[1].body).lower()
        assert not [word for word in TELLING if word in said], said


def test_a_hold_on_a_request_already_in_review_sends_nothing_new(engine, clock) -> None:
    load(engine, account("U1"))
    wf = workflow(engine, clock)
    reviewed_after_verifying(wf, engine, "U1")
    closure.place_hold(wf, OFFICER_A, "U1", HoldKind.AML_INVESTIGATION, "case 9")
    assert topics(engine, "U1").count("closure_on_hold") == 2  # the review's, once


def test_a_risk_lock_sends_no_notice(engine, clock) -> None:
    load(engine, account("U1"))
    wf = workflow(engine, clock)
    in_cooling_off(wf, uid="U1")
    closure.place_hold(wf, OFFICER_A, "U1", HoldKind.RISK_LOCK, "abnormal login")
    assert "closure_on_hold" not in topics(engine, "U1")


# -- the customer's language ------------------------------------------------------------------


def mails(mailbox: Path, topic: str) -> list[email.message.EmailMessage]:
    return [
        email.message_from_bytes(p.read_bytes(), policy=email_policy)  # type: ignore[misc]
        for p in sorted(mailbox.glob(f"*-email-{topic}-*.eml"))
    ]


def test_notices_go_out_in_the_language_the_customer_asked_in(engine, clock, tmp_path) -> None:
    config = settings().model_copy(update={"mailbox_dir": tmp_path, "webhook_url": None})
    load(engine, account("U1"))
    client = TestClient(create_app(config, engine=engine, clock=clock))
    token = issue_token(config, "U1", Role.CUSTOMER, timedelta(hours=1), clock())
    answer = client.post(
        "/v1/accounts/U1/closure-requests",
        json={"reason": "fees"},
        headers={"Authorization": f"Bearer {token}", "Accept-Language": "zh-CN,zh;q=0.9"},
    )
    assert answer.status_code == 201
    request_id = answer.json()["request"]["id"]
    wf = workflow(engine, clock, config)
    closure.cancel(wf, customer("U1"), request_id)  # decided later, without a request's header
    run_once(config, engine, clock)

    for topic in ("closure_submitted", "closure_cancelled"):
        [mail] = mails(tmp_path, topic)
        assert mail["Content-Language"] == "zh-Hans"
        assert any("\u4e00" <= ch <= "\u9fff" for ch in mail.get_content())
    assert "注销" in mails(tmp_path, "closure_submitted")[0]["Subject"]


def test_a_later_request_in_english_switches_the_notices_back(engine, clock) -> None:
    load(engine, account("U1"))
    wf = workflow(engine, clock)
    first = closure.submit(
        wf, customer("U1"), "U1", ClosureReason.FEES, "", language=SIMPLIFIED_CHINESE
    )
    closure.cancel(wf, customer("U1"), first.id)
    closure.submit(wf, customer("U1"), "U1", ClosureReason.FEES, "", language=ENGLISH)
    languages = [r["payload"]["language"] for r in outbox_rows(engine, "closure_submitted")]
    assert languages == [SIMPLIFIED_CHINESE] * 2 + [ENGLISH] * 2
    cancelled = outbox_rows(engine, "closure_cancelled")
    assert {r["payload"]["language"] for r in cancelled} == {SIMPLIFIED_CHINESE}


def test_remembering_the_language_keeps_the_anti_phishing_code_and_its_date(engine, clock) -> None:
    load(engine, account("U1"))
    wf = workflow(engine, clock)
    preferences.set_anti_phishing_code(engine, clock, customer("U1"), "U1", "Blue7Harbor")
    before = preferences.read_anti_phishing_code(engine, customer("U1"), "U1")
    clock.advance(hours=1)
    closure.submit(wf, customer("U1"), "U1", ClosureReason.FEES, "", language=SIMPLIFIED_CHINESE)
    assert preferences.read_anti_phishing_code(engine, customer("U1"), "U1") == before
    [row, *_] = outbox_rows(engine, "closure_submitted")
    assert row["payload"]["anti_phishing_code"] == "Blue7Harbor"
    assert row["payload"]["language"] == SIMPLIFIED_CHINESE


def test_an_unsupported_language_is_refused_and_changes_nothing(engine, clock) -> None:
    load(engine, account("U1"))
    wf = workflow(engine, clock)
    with pytest.raises(InvalidInput):
        closure.submit(wf, customer("U1"), "U1", ClosureReason.FEES, "", language="fr")
    assert outbox_rows(engine) == []
    assert closure.current(wf, customer("U1"), "U1") is None


def test_a_rejection_decided_by_staff_reaches_the_customer_in_their_language(engine, clock) -> None:
    load(engine, account("U1"))
    wf = workflow(engine, clock)
    request = closure.submit(
        wf, customer("U1"), "U1", ClosureReason.FEES, "", language=SIMPLIFIED_CHINESE
    )
    with wf.unit_of_work() as uow:  # as if the customer had verified and it went to review
        uow.closures.save(replace(request, state=ClosureState.IN_REVIEW, version=2))
    closure.reject(wf, AGENT_A, request.id, "source of funds unclear")
    [row, *_] = outbox_rows(engine, "closure_rejected")
    assert row["payload"]["language"] == SIMPLIFIED_CHINESE
