"""The desk's rules for a closed account hold in the service, not only on its pages: over
the API, a closed account may not attach identity evidence (only a screenshot or other
file), and an open account may not open a ticket under a closed account's topics. Both
databases; nothing is stored when refused."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from lastgate.desk.service import desk as d
from lastgate.kernel.access import Role
from lastgate.platform.auth_tokens import issue_token
from tests.desk_support import PNG
from tests.web import test_closed_account_desk as closed_desk
from tests.workflow_support import AGENT_A

#: U1 open, U3 closed, served as the closed account's desk pages are.
config = closed_desk.config
desk_app = closed_desk.desk_app
app = closed_desk.app


def _api(app, clock, config, uid: str) -> TestClient:
    token = issue_token(config, uid, Role.CUSTOMER, timedelta(hours=1), clock())
    return TestClient(app, headers={"Authorization": f"Bearer {token}"})


def _open(client: TestClient, uid: str, category: str):
    return client.post(
        f"/v1/accounts/{uid}/tickets",
        json={"category": category, "subject": "My certificate", "body": "Where is it?"},
    )


def test_a_closed_account_attaches_a_screenshot_but_no_identity_document(
    app, clock, config
) -> None:
    api = _api(app, clock, config, "U3")
    opened = _open(api, "U3", "certificate")
    assert opened.status_code == 201, opened.text
    ticket = opened.json()["ticket"]["id"]
    files = {"file": ("id.png", PNG, "image/png")}
    refused = api.post(
        f"/v1/tickets/{ticket}/attachments", data={"purpose": "document"}, files=files
    )
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "ATTACHMENT_REFUSED"
    assert "screenshot" in refused.json()["error"]["message"]
    desk = app.state.context.service(d.Desk)
    assert d.view(desk, AGENT_A, ticket).attachments == ()
    shot = api.post(
        f"/v1/tickets/{ticket}/attachments", data={"purpose": "screenshot"}, files=files
    )
    assert shot.status_code == 201, shot.text
    assert [a.purpose.value for a in d.view(desk, AGENT_A, ticket).attachments] == ["screenshot"]


def test_an_open_account_cannot_open_a_ticket_under_a_closed_accounts_topic(
    app, clock, config
) -> None:
    api = _api(app, clock, config, "U1")
    for topic in ("certificate", "personal_data", "account_closure"):
        refused = _open(api, "U1", topic)
        assert refused.status_code == 422 and refused.json()["error"]["code"] == "INVALID_INPUT", (
            topic
        )
    assert api.get("/v1/accounts/U1/tickets").json() == []
    assert _open(api, "U1", "other").status_code == 201
