"""Identity evidence refused and sent again, through the pages on both databases, in
English and Chinese: the agent refuses a selfie with a reason from the list, the customer
is told in their language (the notice: what, why, where to send a new one) and their
closure page says the same; they upload again, the agent accepts, and the request moves
on (cooling-off, told as ever). A refusal needs a reason that fits the file's kind; the
evidence accepted before the second factor tells the customer that it is next; a request
a hold pauses takes no decision on its files, whatever the hold (no tipping off)."""

from __future__ import annotations

import re
from functools import partial

import pytest

from lastgate.app.api import create_app
from lastgate.closure.model.lifecycle import ClosureState
from lastgate.closure.service import workflow as closure
from lastgate.kernel.access import Role
from lastgate.kernel.i18n import translate
from lastgate.ledger.model import HoldKind
from lastgate.notices.model import compose, render
from tests.builders import account, load
from tests.e2e.test_api_verification import png
from tests.web_support import LANGS, browser, csrf, text
from tests.workflow_support import OFFICER_A, outbox_rows, request_in, settings, stored, workflow

UID = "U-EVIDENCE"
WHY = {
    "en": "Your face is not fully visible. Take a new selfie facing the camera",
    "zh-Hans": "您的面部未完全露出。请正对镜头重新自拍",
}
REFUSED = {"en": "We could not accept a file you sent", "zh-Hans": "您提交的文件未通过审核"}
ACCEPTED = {"en": "We accepted your identity documents", "zh-Hans": "您的身份认证材料已通过审核"}
KINDS = {"document": "Identity document", "selfie": "Selfie"}  # as the (English) agent reads


@pytest.fixture
def config(tmp_path):
    return settings().model_copy(update={"evidence_dir": tmp_path / "evidence"})


@pytest.fixture
def app(engine, clock, config):
    load(engine, account(UID), account("U-OTHER"))
    return create_app(config, engine=engine, clock=clock)


def upload(client, request_id: str, kind: str) -> str:
    """The customer sends a file of ``kind`` from their closure page; the page after."""
    page = client.get(f"/web/closure/{request_id}").text
    sent = client.post(
        f"/web/closure/{request_id}/evidence",
        data={"csrf": csrf(page), "kind": kind},
        files={"file": (f"{kind}.png", png(), "image/png")},
    )
    assert "done=uploaded" in str(sent.url)
    return client.get(f"/web/closure/{request_id}").text


def undecided(agent, request_id: str) -> tuple[str, dict[str, str]]:
    """The agent's page and, by kind, the files it offers a decision on."""
    page = agent.get(f"/web/agent/requests/{request_id}?lang=en").text
    found = re.findall(
        rf'/web/agent/requests/{request_id}/evidence/([0-9a-f-]{{36}})">([^<]+)<', page
    )
    kinds = {label: kind for kind, label in KINDS.items()}
    return page, {kinds[label]: eid for eid, label in found if f'id="refuse-{eid}"' in page}


def decide(agent, request_id: str, kind: str, refusal: str = ""):
    page, files = undecided(agent, request_id)
    data = {"csrf": csrf(page), "decision": "reject" if refusal else "approve"}
    return agent.post(
        f"/web/agent/requests/{request_id}/evidence/{files[kind]}/review",
        data={**data, **({"refusal": refusal} if refusal else {})},
    )


def notices(engine, topic: str) -> list[tuple[str, str]]:
    """(subject, body) of each e-mail of ``topic``, as delivery renders it."""
    found = []
    for row in outbox_rows(engine, topic):
        if row["channel"] != "email":
            continue
        payload, language = row["payload"], row["payload"]["language"]
        notice = compose(topic, payload["params"], anti_phishing_code=None, language=language)
        rendered = render(notice, partial(translate, lang=language))
        found.append((rendered.subject, rendered.body))
    return found


@pytest.mark.parametrize("lang", LANGS)
def test_a_refused_selfie_is_told_with_its_reason_sent_again_and_accepted(
    app, engine, clock, config, lang
) -> None:
    wf = workflow(engine, clock, config)
    request = request_in(
        wf, ClosureState.VERIFYING, uid=UID, needs_evidence=True, factor_verified_at=clock()
    )
    client = browser(app, clock, config, UID)
    client.get(f"/web/me?lang={lang}")  # the language the customer uses, remembered
    upload(client, request.id, "document")
    upload(client, request.id, "selfie")
    agent = browser(app, clock, config, "agent-ada", Role.AGENT)
    assert decide(agent, request.id, "document").status_code == 200
    assert notices(engine, "evidence_accepted") == []  # the selfie is not decided yet
    refused = decide(agent, request.id, "selfie", "face_not_visible")
    assert refused.status_code == 200 and "done=reviewed" in str(refused.url)

    [(subject, body)] = notices(engine, "evidence_refused")
    assert subject == REFUSED[lang] and WHY[lang] in body
    assert f"https://close.example/web/closure/{request.id}" in body  # where to send it
    page = client.get(f"/web/closure/{request.id}").text
    assert WHY[lang] in text(page.split('id="refused-selfie"')[1].split("</p>")[0])
    standing = text(page.split('data-kind="selfie"')[1].split('id="refused-selfie"')[0])
    assert "clear" not in standing and "清晰" not in standing  # the reason says what is wrong
    assert 'id="refused-document"' not in page
    form = page.split('id="kind"')[1].split("</select>")[0]
    assert 'value="selfie"' in form and 'value="document"' not in form

    clock.advance(minutes=5)  # a new photo takes a while: the new file is the latest
    page = upload(client, request.id, "selfie")
    assert 'id="refused-selfie"' not in page  # the new file waits for its decision
    staff_page, files = undecided(agent, request.id)
    assert list(files) == ["selfie"] and "Told the customer: Your face is not" in text(staff_page)
    assert decide(agent, request.id, "selfie").status_code == 200
    assert stored(wf, request).state is ClosureState.COOLING_OFF  # moved on: not waiting
    assert len(notices(engine, "cooling_off_started")) == 1
    assert notices(engine, "evidence_accepted") == []  # the cooling-off notice says it
    assert 'id="cooling"' in client.get(f"/web/closure/{request.id}").text


@pytest.mark.parametrize("lang", LANGS)
def test_evidence_accepted_before_the_second_factor_says_that_it_is_next(
    app, engine, clock, config, lang
) -> None:
    wf = workflow(engine, clock, config)
    request = request_in(wf, ClosureState.DRAFT, uid=UID, needs_evidence=True)
    client = browser(app, clock, config, UID)
    client.get(f"/web/me?lang={lang}")
    upload(client, request.id, "document")
    upload(client, request.id, "selfie")
    agent = browser(app, clock, config, "agent-ada", Role.AGENT)
    decide(agent, request.id, "document")
    decide(agent, request.id, "selfie")
    [(subject, body)] = notices(engine, "evidence_accepted")
    assert subject == ACCEPTED[lang] and f"/web/closure/{request.id}" in body
    assert stored(wf, request).state is ClosureState.DRAFT
    assert 'id="evidence-all-sent"' in client.get(f"/web/closure/{request.id}").text


def test_a_refusal_needs_a_reason_that_fits_the_file(app, engine, clock, config) -> None:
    wf = workflow(engine, clock, config)
    request = request_in(wf, ClosureState.VERIFYING, uid=UID, needs_evidence=True)
    upload(browser(app, clock, config, UID), request.id, "document")
    agent = browser(app, clock, config, "agent-ada", Role.AGENT)
    page, files = undecided(agent, request.id)
    options = page.split(f'id="refusal-of-{files["document"]}"')[1].split("</select>")[0]
    assert 'value="expired"' in options and 'value="face_mismatch"' not in options
    url = f"/web/agent/requests/{request.id}/evidence/{files['document']}/review"
    for refusal in ("", "face_mismatch", "under investigation"):
        sent = agent.post(url, data={"csrf": csrf(page), "decision": "reject", "refusal": refusal})
        assert sent.status_code == 422, refusal
    assert notices(engine, "evidence_refused") == []
    assert list(undecided(agent, request.id)[1]) == ["document"]  # still undecided


@pytest.mark.parametrize("kind", [HoldKind.AML_INVESTIGATION, HoldKind.JUDICIAL_FREEZE])
def test_a_paused_request_takes_no_decision_on_its_files_whatever_the_hold(
    app, engine, clock, config, kind
) -> None:
    wf = workflow(engine, clock, config)
    request = request_in(wf, ClosureState.VERIFYING, uid=UID, needs_evidence=True)
    client = browser(app, clock, config, UID)
    upload(client, request.id, "document")
    agent = browser(app, clock, config, "agent-ada", Role.AGENT)
    _, files = undecided(agent, request.id)
    closure.place_hold(wf, OFFICER_A, UID, kind, "a reason the customer never reads")
    page, offered = undecided(agent, request.id)
    assert offered == {}  # no decision offered while paused
    sent = agent.post(
        f"/web/agent/requests/{request.id}/evidence/{files['document']}/review",
        data={"csrf": csrf(page), "decision": "reject", "refusal": "expired"},
    )
    assert sent.status_code == 409
    topics = [r["topic"] for r in outbox_rows(engine) if r["channel"] == "email"]
    assert topics == ["closure_on_hold"]  # "being reviewed", for every kind of hold
    assert 'id="kind"' not in client.get(f"/web/closure/{request.id}").text
