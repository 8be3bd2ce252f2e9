"""A small world for the authorization matrix: two customers, staff, and objects of the
first customer (a closure request, a ticket) to aim every operation at."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from lastgate.app.api import create_app
from lastgate.kernel.access import Role
from lastgate.kernel.settings import Settings
from lastgate.platform.auth_tokens import issue_token
from tests.builders import account, load
from tests.upload_samples import png

#: Who calls: nobody, the account holder, another customer, an agent, a compliance officer.
CALLERS = ("nobody", "owner", "other", "agent", "compliance")
#: An id no object has: an operation aimed at it that answers 404 was let through.
MISSING = "00000000-0000-4000-8000-000000000000"


@dataclass
class World:
    client: TestClient
    tokens: dict[str, str]
    ids: dict[str, str] = field(default_factory=dict)

    def headers(self, caller: str) -> dict[str, str]:
        token = self.tokens.get(caller)
        return {"Authorization": f"Bearer {token}"} if token else {}


def settings(root: Path) -> Settings:
    return Settings(
        database_url=f"sqlite:///{root / 'matrix.db'}",
        public_base_url="https://close.example",
        evidence_dir=root / "evidence",
        mailbox_dir=root / "mailbox",
    )


def build(engine: Engine, clock: Any, root: Path) -> World:
    config = settings(root)
    load(engine, account("U1"), account("U2"))
    client = TestClient(create_app(config, engine=engine, clock=clock))
    subjects = {
        "owner": ("U1", Role.CUSTOMER),
        "other": ("U2", Role.CUSTOMER),
        "agent": ("agent-ada", Role.AGENT),
        "compliance": ("compliance-cy", Role.COMPLIANCE),
    }
    tokens = {
        caller: issue_token(config, subject, role, timedelta(hours=1), clock())
        for caller, (subject, role) in subjects.items()
    }
    world = World(client, tokens)
    owner = world.headers("owner")
    closure = client.post(
        "/v1/accounts/U1/closure-requests", json={"reason": "fees"}, headers=owner
    )
    assert closure.status_code == 201, closure.text
    ticket = client.post(
        "/v1/accounts/U1/tickets",
        json={"category": "other", "subject": "Hello", "body": "A question"},
        headers=owner,
    )
    assert ticket.status_code == 201, ticket.text
    ticket_id = ticket.json()["ticket"]["id"]
    attachment = client.post(
        f"/v1/tickets/{ticket_id}/attachments",
        data={"purpose": "screenshot"},
        files={"file": ("proof.png", png(), "image/png")},
        headers=owner,
    )
    assert attachment.status_code == 201, attachment.text
    world.ids = {
        "uid": "U1",
        "request_id": closure.json()["request"]["id"],
        "ticket_id": ticket_id,
        "attachment_id": attachment.json()["id"],
    }
    return world


def path_for(template: str, world: World) -> tuple[str, bool]:
    """The concrete path, and whether every object it names exists."""
    path, real = template, True
    for name in (
        "uid",
        "request_id",
        "ticket_id",
        "hold_id",
        "evidence_id",
        "attachment_id",
        "campaign_id",
    ):
        if "{" + name + "}" in path:
            value = world.ids.get(name)
            real = real and value is not None
            path = path.replace("{" + name + "}", value or MISSING)
    assert "{" not in path, f"no value for a parameter of {template}"
    return path, real
