"""The dust sweep, identity evidence and staff decisions through the pages, on both
databases."""

from __future__ import annotations

import pytest

from lastgate.app.api import create_app
from lastgate.closure.model.lifecycle import ClosureState
from lastgate.kernel.access import Role
from tests.builders import account, load
from tests.e2e.test_api_verification import png
from tests.e2e.test_remediation_api import DUST
from tests.web_support import browser, csrf
from tests.workflow_support import request_in, settings, stored, workflow


@pytest.fixture
def config(tmp_path):
    return settings().model_copy(update={"evidence_dir": tmp_path / "evidence"})


@pytest.fixture
def app(engine, clock, config):
    load(engine, account("U1", balances=DUST), account("U2"))
    return create_app(config, engine=engine, clock=clock)


def test_the_dust_sweep_is_quoted_then_confirmed(app, clock, config) -> None:
    client = browser(app, clock, config, "U1")
    assert 'class="check block" id="check-DUST_REMAINING"' in client.get("/web/me").text
    quote = client.post("/web/me/dust-sweep", data={"csrf": csrf(client.get("/web/me").text)})
    assert quote.status_code == 200 and "7.84" in quote.text
    quote_id = quote.text.split('name="quote_id" value="')[1][:36]
    done = client.post(
        "/web/me/dust-sweep/execute", data={"csrf": csrf(quote.text), "quote_id": quote_id}
    )
    assert "done=swept" in str(done.url)
    assert 'class="check pass" id="check-DUST_REMAINING"' in done.text


def test_evidence_is_uploaded_viewed_and_accepted(app, engine, clock, config) -> None:
    wf = workflow(engine, clock, config)
    request = request_in(wf, ClosureState.VERIFYING, uid="U2", needs_evidence=True)
    customer = browser(app, clock, config, "U2")
    page = customer.get(f"/web/closure/{request.id}")
    assert 'enctype="multipart/form-data"' in page.text
    uploaded = customer.post(
        f"/web/closure/{request.id}/evidence",
        data={"csrf": csrf(page.text), "kind": "document"},
        files={"file": ("id.png", png(), "image/png")},
    )
    assert "done=uploaded" in str(uploaded.url)

    agent = browser(app, clock, config, "agent-ada", Role.AGENT)
    page = agent.get(f"/web/agent/requests/{request.id}")
    timeline = page.text.split('id="tl"')[1].split("</section>")[0]
    assert "Identity evidence uploaded" in timeline and "An identity document." in timeline
    assert "A selfie." not in timeline
    assert "content_type" not in timeline and "sha256" not in timeline  # no payload dump
    link = page.text.split(f'href="/web/agent/requests/{request.id}/evidence/')[1].split('"')[0]
    file = agent.get(f"/web/agent/requests/{request.id}/evidence/{link}")
    assert file.content == png() and file.headers["content-disposition"] == "attachment"
    assert customer.get(f"/web/agent/requests/{request.id}/evidence/{link}").status_code == 403
    reviewed = agent.post(
        f"/web/agent/requests/{request.id}/evidence/{link}/review",
        data={"csrf": csrf(page.text), "decision": "approve"},
    )
    assert "done=reviewed" in str(reviewed.url)
    evidence = reviewed.text.split('id="ev"')[1].split("</section>")[0]
    assert "Identity document" in evidence and "Accepted" in evidence
    assert "PNG image" in evidence and "image/png" not in evidence
    assert stored(wf, request).state is ClosureState.VERIFYING  # the selfie is still missing


def test_a_rejection_reaches_the_customer_with_its_reason(app, engine, clock, config) -> None:
    wf = workflow(engine, clock, config)
    request = request_in(wf, ClosureState.IN_REVIEW, uid="U2", needs_review=True)
    agent = browser(app, clock, config, "agent-bo", Role.AGENT)
    queue = agent.get("/web/agent?state=in_review")
    assert request.id in queue.text
    assert request.id not in agent.get("/web/agent?state=verifying").text
    rejected = agent.post(
        f"/web/agent/requests/{request.id}/reject",
        data={"csrf": csrf(queue.text), "reason": "Documents do not match."},
    )
    assert "done=rejected" in str(rejected.url)
    decided = rejected.text.split('id="decided-by"')[1].split("</dd>")[0]
    assert "agent-bo" in decided and "Documents do not match." in decided
    assert "/approve" not in rejected.text and "/reject" not in rejected.text  # nothing left
    customer = browser(app, clock, config, "U2")
    page = customer.get(f"/web/closure/{request.id}")
    assert "state-rejected" in page.text and "Documents do not match." in page.text


def test_the_queue_says_staff_words_for_a_request_being_verified(app, clock, config) -> None:
    agent = browser(app, clock, config, "agent-ada", Role.AGENT)
    page = agent.get("/web/agent").text
    assert ">Verifying the customer</option>" in page and "Verifying your identity" not in page
    assert "正在核验用户身份" in agent.get("/web/agent?lang=zh-Hans").text


def _standing(page: str) -> dict[str, str]:
    """Each kind of evidence on the customer's closure page and where it stands."""
    listed = page.split('id="evidence-standing"')[1].split("</ul>")[0]
    items = listed.split('<li data-kind="')[1:]
    return {item.split('"')[0]: item.split('data-standing="')[1].split('"')[0] for item in items}


def test_the_customer_sees_what_was_received_and_is_asked_only_for_the_rest(
    app, engine, clock, config
) -> None:
    wf = workflow(engine, clock, config)
    request = request_in(wf, ClosureState.VERIFYING, uid="U2", needs_evidence=True)
    customer = browser(app, clock, config, "U2")
    url = f"/web/closure/{request.id}"

    def upload(kind: str) -> str:
        page = customer.get(url).text
        done = customer.post(
            f"{url}/evidence",
            data={"csrf": csrf(page), "kind": kind},
            files={"file": (f"{kind}.png", png(), "image/png")},
        )
        assert "done=uploaded" in str(done.url)
        return customer.get(url).text

    page = customer.get(url).text
    assert _standing(page) == {"document": "missing", "selfie": "missing"}
    page = upload("document")
    assert _standing(page) == {"document": "received", "selfie": "missing"}
    form = page.split('id="kind"')[1].split("</select>")[0]
    assert 'value="selfie"' in form and 'value="document"' not in form
    assert "application/pdf" not in page.split('id="file"')[1].split(">")[0]  # a selfie is a photo
    page = upload("selfie")
    assert _standing(page) == {"document": "received", "selfie": "received"}
    assert 'id="evidence-all-sent"' in page and 'id="kind"' not in page

    agent = browser(app, clock, config, "agent-ada", Role.AGENT)
    staff_page = agent.get(f"/web/agent/requests/{request.id}")
    links = staff_page.text.split(f'href="/web/agent/requests/{request.id}/evidence/')[1:]
    decisions = {"Identity document": "approve", "Selfie": "reject"}
    for part in links:
        link, label = part.split('"')[0], part.split(">")[1].split("<")[0]
        decision = decisions.pop(label)
        why = {"refusal": "face_not_visible"} if decision == "reject" else {}
        agent.post(
            f"/web/agent/requests/{request.id}/evidence/{link}/review",
            data={"csrf": csrf(staff_page.text), "decision": decision, **why},
        )
    assert not decisions  # both files were listed for the agent
    page = customer.get(url).text
    assert _standing(page) == {"document": "accepted", "selfie": "refused"}
    form = page.split('id="kind"')[1].split("</select>")[0]
    assert 'value="selfie"' in form and 'value="document"' not in form


def test_a_held_request_reads_as_paused_and_an_automatic_decision_as_automatic(
    app, engine, clock, config
) -> None:
    from datetime import timedelta

    from lastgate.closure.service import review
    from lastgate.kernel.access import Principal
    from lastgate.ledger.model import HoldKind

    wf = workflow(engine, clock, config)
    ends = clock() + timedelta(days=14)
    request = request_in(
        wf, ClosureState.COOLING_OFF, uid="U2", cooling_off_ends_at=ends, decided_by="system"
    )
    agent = browser(app, clock, config, "agent-ada", Role.AGENT)
    facts = agent.get(f"/web/agent/requests/{request.id}").text.split("</dl>")[0]
    assert "Cooling-off ends" in facts and "Automatically: no review was needed" in facts
    assert ">system<" not in facts

    officer = Principal("officer-cy", Role.COMPLIANCE)
    review.place_hold(wf, officer, "U2", HoldKind.JUDICIAL_FREEZE, "court order 12")
    assert stored(wf, request).state is ClosureState.ON_HOLD
    facts = agent.get(f"/web/agent/requests/{request.id}").text.split("</dl>")[0]
    assert "Cooling-off paused; it was to end" in facts and "Cooling-off ends" not in facts


ACCEPTED_THEN_AUTOMATIC = {
    "en": "Automatically, once agent-ada accepted the identity evidence: "
    "no closure review was needed",
    "zh-Hans": "在 agent-ada 接受身份证明材料后自动决定：无需审核注销申请",  # noqa: RUF001
}


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_an_automatic_decision_after_accepted_evidence_names_who_accepted_it(
    app, engine, clock, config, lang
) -> None:
    """The request moved on by itself once the agent accepted its evidence: not "no
    review was needed" as if no person had looked at anything."""
    wf = workflow(engine, clock, config)
    request = request_in(
        wf, ClosureState.VERIFYING, uid="U2", needs_evidence=True, factor_verified_at=clock()
    )
    customer = browser(app, clock, config, "U2")
    url = f"/web/closure/{request.id}"
    for kind in ("document", "selfie"):
        customer.post(
            f"{url}/evidence",
            data={"csrf": csrf(customer.get(url).text), "kind": kind},
            files={"file": (f"{kind}.png", png(), "image/png")},
        )
    agent = browser(app, clock, config, "agent-ada", Role.AGENT)
    page = f"/web/agent/requests/{request.id}"
    staff_page = agent.get(page).text
    for link in {p.split('"')[0] for p in staff_page.split(f'href="{page}/evidence/')[1:]}:
        agent.post(
            f"{page}/evidence/{link}/review",
            data={"csrf": csrf(staff_page), "decision": "approve"},
        )
    assert stored(wf, request).state is ClosureState.COOLING_OFF
    decided = agent.get(f"{page}?lang={lang}").text.split('id="decided-by"')[1].split("</dd>")[0]
    assert decided.lstrip(">").strip() == ACCEPTED_THEN_AUTOMATIC[lang]


@pytest.mark.parametrize(
    ("lang", "note", "reason"),
    [
        ("en", "Approval note (required; only staff read it)", "Reason for rejecting (required; "),
        ("zh-Hans", "批准备注（必填；仅工作人员可见）", "驳回原因（必填；"),  # noqa: RUF001
    ],
)
def test_the_review_forms_say_their_notes_are_required_and_who_reads_them(
    app, engine, clock, config, lang, note, reason
) -> None:
    wf = workflow(engine, clock, config)
    request = request_in(wf, ClosureState.IN_REVIEW, uid="U2", needs_review=True)
    page = browser(app, clock, config, "agent-ada", Role.AGENT).get(
        f"/web/agent/requests/{request.id}?lang={lang}"
    )
    approve = page.text.split('<label for="note">')[1].split("</textarea>")[0]
    reject = page.text.split('<label for="reason">')[1].split("</textarea>")[0]
    assert approve.startswith(note) and " required " in approve
    assert reject.startswith(reason) and " required " in reject
