"""The data export through HTTP and the CLI: who may download what, and the ZIP itself."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Engine

from lastgate.app.api import create_app
from lastgate.export.model import KOINLY_COLUMNS
from lastgate.kernel.access import Role
from lastgate.kernel.settings import Settings
from lastgate.ledger.adapters.snapshot_io import parse_snapshot
from lastgate.platform import audit_log
from lastgate.platform.auth_tokens import issue_token
from tests.builders import account, load, snapshot
from tests.conftest import MovableClock

PATH = "/v1/accounts/{uid}/export"
TRADER = account(
    "U5000",
    orders=[
        {
            "id": "o-1",
            "product": "spot",
            "symbol": "BTC/USDT",
            "side": "buy",
            "kind": "limit",
            "status": "filled",
            "quantity": "0.5",
            "price": "60000",
            "created_at": "2025-06-01T10:00:00+00:00",
        }
    ],
)
NEIGHBOUR = account("U6000")
Headers = Callable[[str, Role], dict[str, str]]


@pytest.fixture
def settings() -> Settings:
    return Settings(jwt_secret=SecretStr("e2e-test-secret-" + "s" * 48))


@pytest.fixture
def app(engine: Engine, clock: MovableClock, settings: Settings) -> FastAPI:
    load(engine, TRADER, NEIGHBOUR)
    return create_app(settings, engine=engine, clock=clock)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def auth(settings: Settings, clock: MovableClock) -> Headers:
    def headers(subject: str, role: Role = Role.CUSTOMER) -> dict[str, str]:
        token = issue_token(settings, subject, role, timedelta(minutes=15), clock())
        return {"Authorization": f"Bearer {token}"}

    return headers


def test_customer_downloads_own_export(client: TestClient, auth: Headers) -> None:
    response = client.get(PATH.format(uid="U5000"), headers=auth("U5000", Role.CUSTOMER))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    assert response.headers["content-disposition"] == (
        'attachment; filename="lastgate-export-U5000-20261123T120000Z.zip"'
    )
    assert response.headers["cache-control"] == "no-store"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        document = json.loads(archive.read("account.json"))
        trades = archive.read("trades.csv").decode("utf-8")
    (mine,) = parse_snapshot(json.dumps(document["snapshot"])).accounts
    assert mine.uid == "U5000"
    reader = csv.DictReader(io.StringIO(trades))
    assert tuple(reader.fieldnames or ()) == KOINLY_COLUMNS
    (row,) = list(reader)
    assert (row["Sent Amount"], row["Sent Currency"]) == ("30000", "USDT")
    assert (row["Received Amount"], row["Received Currency"]) == ("0.5", "BTC")


def test_same_clock_same_bytes(client: TestClient, auth: Headers) -> None:
    first = client.get(PATH.format(uid="U5000"), headers=auth("U5000", Role.CUSTOMER))
    second = client.get(PATH.format(uid="U5000"), headers=auth("U5000", Role.CUSTOMER))
    assert first.content == second.content


def test_customer_cannot_download_another_customers_export(
    client: TestClient, auth: Headers, engine: Engine
) -> None:
    bodies = []
    for uid in ("U6000", "U-nobody"):
        response = client.get(PATH.format(uid=uid), headers=auth("U5000", Role.CUSTOMER))
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "FORBIDDEN"
        bodies.append(response.json())
    # The same answer whether the account exists or not.
    assert bodies[0] == bodies[1]
    with engine.connect() as conn:
        assert not [e for e in audit_log.entries(conn) if e.action == "data.exported"]


def test_staff_may_download_and_it_is_audited(
    client: TestClient, auth: Headers, engine: Engine
) -> None:
    response = client.get(PATH.format(uid="U6000"), headers=auth("agent-42", Role.AGENT))
    assert response.status_code == 200
    with engine.connect() as conn:
        (entry,) = [e for e in audit_log.entries(conn) if e.action == "data.exported"]
    assert (entry.actor, entry.subject) == ("agent-42", "account:U6000")
    assert json.loads(entry.payload)["role"] == "agent"


def test_unknown_account_is_404_for_staff(client: TestClient, auth: Headers) -> None:
    response = client.get(PATH.format(uid="U-nobody"), headers=auth("agent-42", Role.AGENT))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "ACCOUNT_NOT_FOUND"


def test_no_token_is_401(client: TestClient) -> None:
    response = client.get(PATH.format(uid="U5000"))
    assert response.status_code == 401


def test_cli_writes_the_zip(tmp_path: Path) -> None:
    env = {**os.environ, "LASTGATE_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}
    source = tmp_path / "snap.json"
    source.write_text(json.dumps(snapshot(TRADER)), encoding="utf-8")
    cli = [sys.executable, "-m", "lastgate.app.cli"]

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*cli, *args], env=env, capture_output=True, text=True, timeout=120, check=False
        )

    assert run("ledger", "import", str(source)).returncode == 0
    target = tmp_path / "out.zip"
    done = run("export", "U5000", "-o", str(target))
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(target) as archive:
        assert "cointracking.csv" in archive.namelist()
    missing = run("export", "U-nobody", "-o", str(tmp_path / "none.zip"))
    assert missing.returncode == 2
    assert "ACCOUNT_NOT_FOUND" in missing.stderr
