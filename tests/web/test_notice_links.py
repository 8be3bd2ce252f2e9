"""Every link a notice carries opens a page. Each topic is rendered in English and in
Chinese with its links built by the code the use cases call (``Workflow.cancel_url``,
``Workflow.appeal_url``, ``Workflow.request_url``, ``Desk.ticket_url``, the campaign's
links), and every link is followed against the app, signed in and signed out: a page in
HTML, never JSON or 404.
On both databases."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from lastgate.app.api import create_app
from lastgate.campaign.wiring import build_campaigns
from lastgate.closure.model.lifecycle import ClosureState
from lastgate.closure.service import workflow as closure
from lastgate.closure.wiring import build_workflow
from lastgate.desk.model.tickets import TicketCategory
from lastgate.desk.service import desk as d
from lastgate.desk.wiring import build_desk
from lastgate.kernel.access import Role
from lastgate.kernel.i18n import SUPPORTED_LANGUAGES, translate
from lastgate.notices.model import CERTIFICATE_PATH, TOPICS, compose, delivery_links, render
from lastgate.platform.auth_tokens import issue_token
from lastgate.platform.web.pages import CLOSED_PATH
from tests.builders import account, load
from tests.workflow_support import AGENT_A, customer, request_in, settings

BASE = "http://127.0.0.1"  # the pages' cookies are Secure except on local http
#: Parameters that are not links, as the use cases fill them in.
VALUES = {
    "code": "482913",
    "expires_at": "2026-11-23T12:10:00+00:00",
    "ends_at": "2026-12-07T12:00:00+00:00",
    "added_at": "2026-11-30T12:00:00+00:00",
    "usable_at": "2026-12-07T12:00:00+00:00",
    "reasons": "ASSETS_REMAINING",
    "reason": "identity documents do not match",
    "ticket_ref": "1a2b3c4d",
    "effective_at": "2026-11-26T12:00:00+00:00",
    "deadline_at": "2027-01-25T00:00:00+00:00",
    "reply_by_at": "2026-12-07T12:00:00+00:00",
    "days_left": "7",
    "evidence_kind": "document",
    "refusal": "expired",
    "freeze_left": "customer",
}
#: Links answered with a download rather than a page: the customer's data export (ZIP).
DOWNLOADS = {"export_url"}
URL = re.compile(r"https?://[!-~]+")  # up to the first space or non-ASCII character


@pytest.fixture
def setup(engine, clock):
    """U1 with a rejected closure request and a ticket; the links of every kind."""
    config = settings().model_copy(update={"public_base_url": BASE})
    load(engine, account("U1"), account("U2"))
    wf = build_workflow(config, engine, clock)
    request = request_in(wf, ClosureState.IN_REVIEW, uid="U1")
    closure.reject(wf, AGENT_A, request.id, "source of funds unclear")
    desk = build_desk(config, engine, clock)
    ticket, _ = d.open_ticket(desk, customer("U1"), "U1", TicketCategory.OTHER, "Hi", "A question")
    campaigns = build_campaigns(config, engine, clock)
    links = {
        "cancel_url": wf.cancel_url(request),
        "appeal_url": wf.appeal_url(request),
        "closure_url": wf.request_url(request),
        "ticket_url": desk.ticket_url(ticket.id),
        "selfcheck_url": campaigns.selfcheck_url,
        "export_url": campaigns.export_url,
        **delivery_links(config.public_base_url),  # added at delivery
    }
    app = create_app(config, engine=engine, clock=clock)

    def browser(subject: str | None) -> TestClient:
        client = TestClient(app, base_url=BASE)
        if subject is not None:
            token = issue_token(config, subject, Role.CUSTOMER, timedelta(hours=1), clock())
            assert client.get(f"/web/session?token={token}").status_code == 200
        return client

    return links, browser


def rendered_links(topic: str, language: str, links: dict[str, str]) -> list[str]:
    notice = compose(topic, {**VALUES, **links}, anti_phishing_code="Blue7Harbor")
    text = render(notice, lambda message: translate(message, language))
    return [u.rstrip(".,;:!?)") for u in URL.findall(text.subject + "\n" + text.body)]


def assert_page(answer: Response, link: str) -> None:
    assert answer.status_code == 200, f"{link} answered {answer.status_code}"
    assert answer.headers["content-type"].startswith("text/html"), link
    assert answer.text.lstrip().lower().startswith("<!doctype html"), link


def test_every_link_parameter_of_every_topic_is_built_here(setup) -> None:
    links, _ = setup
    url_params = {p for template in TOPICS.values() for p in template.params if p.endswith("_url")}
    assert url_params == set(links)  # a new kind of link must be followed below too


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_each_link_of_every_notice_opens_a_page(setup, language: str) -> None:
    links, browser = setup
    carried: set[str] = set()
    for topic, template in sorted(TOPICS.items()):
        found = rendered_links(topic, language, links)
        expected = [links[p] for p in template.params if p in links]
        assert sorted(found) == sorted(expected), topic  # each link printed whole
        carried |= {p for p in template.params if p in links}
    assert carried == set(links)
    signed_in, signed_out = browser("U1"), browser(None)
    for name in sorted(carried):
        link = links[name]
        assert link.startswith(BASE + "/")  # built from the configured public URL
        sign_in = signed_out.get(link)
        assert_page(sign_in, link)
        assert sign_in.url.path == "/web/sign-in"
        answer = signed_in.get(link)
        if name in DOWNLOADS:
            assert answer.status_code == 200
            assert answer.headers["content-type"] == "application/zip"
            assert answer.headers["content-disposition"].startswith("attachment;")
        else:
            assert_page(answer, link)
            assert answer.url.path != "/web/sign-in"


def test_a_link_opened_signed_out_leads_back_to_its_page_once_signed_in(setup, clock) -> None:
    # A notice read on another device: no session at all, not one that ended.
    links, browser = setup
    config = settings().model_copy(update={"public_base_url": BASE})
    for name, link in sorted(links.items()):
        expected = browser("U1").get(link)
        fresh = browser(None)
        sign_in = fresh.get(link)
        assert sign_in.url.path == "/web/sign-in", name
        if expected.url.path != "/web/me":  # the start page is where signing in leads anyway
            assert sign_in.url.params["next"].startswith("/web/"), name
            assert 'id="sign-in-to-continue"' in sign_in.text  # not "your session has ended"
        token = issue_token(config, "U1", Role.CUSTOMER, timedelta(hours=1), clock())
        landed = fresh.get(f"/web/session?token={token}")
        assert landed.status_code == 200, name
        assert landed.url.path == expected.url.path != "/web/sign-in", name
        assert landed.headers["content-type"] == expected.headers["content-type"], name


def test_the_appeal_link_opens_the_appeal_form_naming_the_rejected_request(setup) -> None:
    links, browser = setup
    answer = browser("U1").get(links["appeal_url"])
    assert_page(answer, links["appeal_url"])
    request_id = links["appeal_url"].rsplit("=", 1)[1]
    assert f'name="related_closure_id" value="{request_id}"' in answer.text
    assert re.search(r'<option value="closure_rejected"\s+selected', answer.text)


def test_another_customer_following_the_appeal_link_sees_no_one_elses_request(setup) -> None:
    links, browser = setup
    answer = browser("U2").get(links["appeal_url"])
    assert_page(answer, links["appeal_url"])
    assert "related_closure_id" not in answer.text


def test_the_certificate_link_is_the_closed_accounts_page() -> None:
    assert CERTIFICATE_PATH == CLOSED_PATH  # where the closed page is served
