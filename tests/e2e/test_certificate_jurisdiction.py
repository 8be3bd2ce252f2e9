"""A closure certificate cites the law of its customer's jurisdiction, from that
jurisdiction's policy (``[retention.legal_basis]``): a US customer's the BSA and no EU law,
an EU customer's the AML Directive and GDPR and no US law. Closed through the HTTP API and the
worker, on both databases; the signed JSON verifies, and the PDF prints the same basis in
English and in Chinese."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from lastgate.app.api import create_app
from lastgate.app.worker import run_once
from lastgate.erasure.adapters.certificate_signing import public_key_pem, verify
from lastgate.kernel.access import Role
from lastgate.platform.auth_tokens import issue_token
from tests.builders import account, load
from tests.workflow_support import outbox_rows, settings

US_LAW, EU_LAW = ("31 CFR 1010.430", "Bank Secrecy Act"), ("2015/849", "GDPR")


@pytest.fixture
def closed(engine, clock, tmp_path):
    """U-US (jurisdiction US) and U-EU (EU), both closed and erased; a client and the
    customers' bearer headers."""
    config = settings().model_copy(update={"webhook_url": None, "mailbox_dir": tmp_path})
    load(engine, account("U-US", jurisdiction="US"), account("U-EU", jurisdiction="EU"))
    client = TestClient(create_app(config, engine=engine, clock=clock))

    def as_(uid: str) -> dict[str, str]:
        token = issue_token(config, uid, Role.CUSTOMER, timedelta(hours=1), clock())
        return {"Authorization": f"Bearer {token}"}

    for uid in ("U-US", "U-EU"):
        submitted = client.post(
            f"/v1/accounts/{uid}/closure-requests", json={"reason": "fees"}, headers=as_(uid)
        )
        request_id = submitted.json()["request"]["id"]
        path = f"/v1/closure-requests/{request_id}/verification"
        client.post(path, json={"method": "email"}, headers=as_(uid))
        code = outbox_rows(engine, "verification_code")[-1]["payload"]["params"]["code"]
        verified = client.post(
            path + "/check", json={"method": "email", "code": code}, headers=as_(uid)
        )
        assert verified.json()["state"] == "cooling_off", verified.text
    clock.advance(days=14)
    passes = [run_once(config, engine, clock) for _ in range(3)]  # close, deliver, erase
    assert sum(p["erased"] for p in passes) == 2
    return config, client, as_


def _bases(config, client, headers) -> dict[str, str]:
    document = client.get(f"/v1/accounts/{headers['uid']}/certificate", headers=headers["h"])
    assert document.status_code == 200, document.text
    certificate = verify(document.content, public_key_pem(config))  # still signed and valid
    return {e.category: e.legal_basis for e in certificate.entries}


@pytest.mark.parametrize(
    ("uid", "own", "foreign"), [("U-US", US_LAW, EU_LAW), ("U-EU", EU_LAW, US_LAW)]
)
def test_each_certificate_cites_its_own_jurisdictions_law(closed, uid, own, foreign) -> None:
    config, client, as_ = closed
    bases = _bases(config, client, {"uid": uid, "h": as_(uid)})

    kept = bases["identity"]
    assert all(law in kept for law in own), kept
    assert not any(law in text for law in foreign for text in bases.values()), bases
    assert bases["transaction_records"] == kept  # one basis for the AML records


def test_the_pdf_prints_the_us_basis_in_each_language(closed) -> None:
    _, client, as_ = closed
    printed = {}
    for lang in ("en", "zh-Hans"):
        pdf = client.get(
            "/v1/accounts/U-US/certificate",
            params={"format": "pdf", "lang": lang},
            headers=as_("U-US"),
        )
        assert pdf.status_code == 200, pdf.text
        pages = PdfReader(io.BytesIO(pdf.content)).pages
        printed[lang] = "".join(p.extract_text() for p in pages).replace("\n", "")
    assert "Bank Secrecy Act" in printed["en"] and "GDPR" not in printed["en"]
    assert "银行保密法" in printed["zh-Hans"] and "GDPR" not in printed["zh-Hans"]
    assert "1010.430" in printed["zh-Hans"]
