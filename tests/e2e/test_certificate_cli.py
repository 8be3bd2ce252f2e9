"""Verifying a closure certificate as a customer or auditor would: the CLI and the key API."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from pypdf import PdfReader

from lastgate.app.api import create_app
from lastgate.erasure.adapters.certificate_pdf import render_pdf
from lastgate.erasure.adapters.certificate_signing import public_key_pem, sign, verify
from lastgate.kernel.settings import Settings
from tests.unit.test_certificate import certificate

LASTGATE = [sys.executable, "-m", "lastgate.app.cli", "certificate"]
SEED = base64.b64encode(b"e2e-test-certificate-signing-32b").decode()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        database_url=f"sqlite:///{tmp_path / 'cert.db'}",
        certificate_signing_key=SecretStr(SEED),
    )


@pytest.fixture
def env(settings: Settings) -> dict[str, str]:
    return {
        **os.environ,
        "LASTGATE_DATABASE_URL": settings.database_url,
        "LASTGATE_CERTIFICATE_SIGNING_KEY": SEED,
    }


@pytest.fixture
def files(tmp_path: Path, settings: Settings) -> dict[str, Path]:
    signed = sign(certificate(), settings)
    paths = {
        "json": tmp_path / "certificate.json",
        "pdf": tmp_path / "certificate.pdf",
        "key": tmp_path / "key.pem",
        "tampered": tmp_path / "tampered.json",
    }
    paths["json"].write_text(json.dumps(signed, indent=2), encoding="utf-8")
    paths["pdf"].write_bytes(render_pdf(signed))
    paths["key"].write_text(public_key_pem(settings), encoding="ascii")
    signed["certificate"]["entries"][3]["action"] = "delete"
    paths["tampered"].write_text(json.dumps(signed), encoding="utf-8")
    return paths


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*LASTGATE, *args], env=env, capture_output=True, text=True, timeout=120)


def test_a_valid_certificate_verifies_with_the_published_key(env, files) -> None:
    result = run(env, "verify", str(files["json"]), "--public-key", str(files["key"]))
    assert result.returncode == 0, result.stderr
    assert "VALID" in result.stdout and "uid: U100234" in result.stdout
    assert "identity" in result.stdout and "retain until 2031-11-23" in result.stdout


def test_the_pdf_alone_verifies_with_the_key_from_settings(env, files) -> None:
    result = run(env, "verify", str(files["pdf"]))
    assert result.returncode == 0, result.stderr
    assert "verification scan: passed, 58 tables checked" in result.stdout


def test_a_tampered_certificate_exits_one_with_the_reason(env, files) -> None:
    result = run(env, "verify", str(files["tampered"]), "--public-key", str(files["key"]))
    assert result.returncode == 1
    assert "INVALID: the signature does not match" in result.stderr


def test_another_issuers_key_exits_one(env, files, tmp_path) -> None:
    other = tmp_path / "other.pem"
    other.write_text(public_key_pem(Settings(database_url="sqlite://")), encoding="ascii")
    result = run(env, "verify", str(files["json"]), "--public-key", str(other))
    assert result.returncode == 1
    assert "signed with key" in result.stderr


def test_a_missing_file_is_an_error_not_a_verdict(env, tmp_path) -> None:
    result = run(env, "verify", str(tmp_path / "nothing.json"))
    assert result.returncode == 2
    assert "cannot read" in result.stderr


def test_public_key_prints_the_pem_that_verifies(env, files) -> None:
    result = run(env, "public-key")
    assert result.returncode == 0, result.stderr
    assert result.stdout == files["key"].read_text(encoding="ascii")


def test_get_certificate_key_publishes_the_signing_key(settings, files) -> None:
    with TestClient(create_app(settings)) as client:
        response = client.get("/v1/certificate-key")  # no Authorization header: public
        pem = client.get("/v1/certificate-key.pem")
    assert response.status_code == 200
    body = response.json()
    assert body["public_key_pem"] == public_key_pem(settings)
    signed = json.loads(files["json"].read_text(encoding="utf-8"))
    assert body["key_id"] == signed["signature"]["key_id"]
    assert verify(signed, body["public_key_pem"]) == certificate()
    assert pem.status_code == 200 and pem.text == body["public_key_pem"]


def test_render_writes_the_pdf_in_the_language_asked_for(env, files, tmp_path) -> None:
    out = tmp_path / "zh.pdf"
    result = run(env, "render", str(files["json"]), "-o", str(out), "--lang", "zh-Hans")
    assert result.returncode == 0, result.stderr
    text = "\n".join(p.extract_text() for p in PdfReader(out).pages)
    assert "账户注销及数据删除证明" in text and "U100234" in text
    assert run(env, "render", str(files["json"]), "-o", str(out), "--lang", "fr").returncode == 2
