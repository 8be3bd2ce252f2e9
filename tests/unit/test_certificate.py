"""The closure certificate: canonical form, Ed25519 signature, tamper evidence, the PDF."""

from __future__ import annotations

import base64
import copy
import json
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import SecretStr

from lastgate.erasure.adapters.certificate_pdf import embedded_document, render_pdf
from lastgate.erasure.adapters.certificate_signing import (
    key_id,
    load_public_key,
    public_key_pem,
    sign,
    signing_key,
    verify,
)
from lastgate.erasure.model import data_map as dm
from lastgate.erasure.model.certificate import (
    CertificateEntry,
    ClosureCertificate,
    InvalidCertificate,
    ScanResult,
    canonical_bytes,
    canonical_json,
    from_document,
    to_document,
)
from lastgate.erasure.wire import CertificateFormat, certificate_response
from lastgate.kernel.errors import InvalidInput
from lastgate.kernel.settings import Settings
from lastgate.platform.policy_files import PolicyDirectory

CLOSED_AT = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
SETTINGS = Settings(database_url="sqlite://")
#: The shipped EU policy's legal bases, the longest texts a certificate prints.
EU_BASES = PolicyDirectory.load().for_jurisdiction("EU").retention.legal_basis


def certificate(**changes: Any) -> ClosureCertificate:
    fields: dict[str, Any] = {
        "certificate_id": "erun_01JD8Z3K4M5N6P7Q8R9S0T1V2W",
        "uid": "U100234",
        "closure_id": "cl_01JD8YQ0A1B2C3D4E5F6G7H8J9",
        "closed_at": CLOSED_AT,
        "issued_at": CLOSED_AT + timedelta(minutes=4, seconds=31),
        "issuer": "Example Exchange Ltd",
        "entries": tuple(
            CertificateEntry(
                c.name,
                c.description,
                c.action.value,
                c.legal_basis(EU_BASES),
                c.retained_until(CLOSED_AT, 5),
            )
            for c in dm.CATEGORIES
        ),
        "scan": ScanResult(passed=True, tables_checked=58, findings=()),
    }
    return ClosureCertificate(**{**fields, **changes})


@pytest.fixture
def signed() -> dict[str, Any]:
    return sign(certificate(), SETTINGS)


@pytest.fixture
def pem() -> str:
    return public_key_pem(SETTINGS)


def other_settings() -> Settings:
    seed = base64.b64encode(b"another-32-byte-certificate-key!").decode()
    return Settings(database_url="sqlite://", certificate_signing_key=SecretStr(seed))


def entry(doc: dict[str, Any], category: str) -> dict[str, Any]:
    return next(e for e in doc["certificate"]["entries"] if e["category"] == category)


# --- canonical form -------------------------------------------------------------------


def test_canonical_bytes_are_sorted_compact_utf8_json() -> None:
    raw = canonical_bytes(certificate(issuer="Börse Ltd"))
    assert raw == json.dumps(
        json.loads(raw), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")
    assert "Börse".encode() in raw
    assert b'"closed_at":"2026-11-23T12:00:00Z"' in raw
    assert b'"retained_until":"2031-11-23"' in raw


def test_the_same_instant_in_another_zone_has_the_same_canonical_bytes() -> None:
    elsewhere = CLOSED_AT.astimezone(timezone(timedelta(hours=8)))
    assert canonical_bytes(certificate(closed_at=elsewhere)) == canonical_bytes(certificate())


def test_a_document_round_trips_to_the_same_certificate() -> None:
    cert = certificate()
    assert from_document(to_document(cert)) == cert
    assert from_document(json.loads(canonical_bytes(cert))) == cert


# --- domain invariants ----------------------------------------------------------------


def test_a_retained_category_needs_an_end_date() -> None:
    with pytest.raises(InvalidCertificate, match="retained without an end date"):
        CertificateEntry("identity", "d", "retain", "AML", None)


def test_a_deleted_category_has_no_end_date() -> None:
    with pytest.raises(InvalidCertificate, match="cannot have a retention end date"):
        CertificateEntry("account_data", "d", "delete", "GDPR", date(2031, 1, 1))


def test_an_unknown_action_is_refused() -> None:
    with pytest.raises(InvalidCertificate, match="unknown action 'forget'"):
        CertificateEntry("account_data", "d", "forget", "GDPR", None)


def test_a_scan_cannot_pass_with_findings() -> None:
    with pytest.raises(InvalidCertificate, match="no findings"):
        ScanResult(passed=True, tables_checked=3, findings=("ledger.users row 7",))


def test_naive_times_are_refused() -> None:
    with pytest.raises(InvalidCertificate, match="closed_at must be timezone-aware"):
        certificate(closed_at=datetime(2026, 11, 23, 12, 0))


def test_a_category_listed_twice_is_refused() -> None:
    first = certificate().entries[0]
    with pytest.raises(InvalidCertificate, match="more than once"):
        certificate(entries=(first, first))


# --- signing and verification ---------------------------------------------------------


def test_sign_then_verify_returns_the_certificate(signed, pem) -> None:
    assert verify(signed, pem) == certificate()
    assert signed["signature"]["algorithm"] == "Ed25519"
    assert signed["signature"]["key_id"] == key_id(load_public_key(pem))


def test_verify_accepts_the_json_file_bytes_indented_or_not(signed, pem) -> None:
    assert verify(json.dumps(signed, indent=2).encode(), pem) == certificate()
    assert verify(json.dumps(signed).encode(), pem) == certificate()


def test_the_key_id_is_16_hex_digits_of_the_public_key_hash(pem) -> None:
    kid = key_id(signing_key(SETTINGS).public_key())
    assert len(kid) == 16 and int(kid, 16) >= 0
    assert kid == key_id(load_public_key(pem))


def test_signing_is_deterministic(signed) -> None:
    assert sign(certificate(), SETTINGS) == signed


TAMPERS = {
    "an action": lambda d: entry(d, "trade_history").update(action="delete"),
    "a retention date": lambda d: entry(d, "identity").update(retained_until="2030-11-23"),
    "a legal basis": lambda d: entry(d, "account_data").update(legal_basis="consent"),
    "a description": lambda d: entry(d, "account_data").update(description="Balances"),
    "the closing time": lambda d: d["certificate"].update(closed_at="2026-11-22T12:00:00Z"),
    "the uid": lambda d: d["certificate"].update(uid="U100235"),
    "the issuer": lambda d: d["certificate"].update(issuer="Other Exchange"),
    "the certificate id": lambda d: d["certificate"].update(certificate_id="erun_2"),
    "an entry removed": lambda d: d["certificate"]["entries"].pop(),
    "the entries reordered": lambda d: d["certificate"]["entries"].reverse(),
    "the scan result": lambda d: d["certificate"]["scan"].update(tables_checked=59),
    "a finding added": lambda d: d["certificate"]["scan"].update(
        passed=False, findings=["ledger.users.email"]
    ),
}


@pytest.mark.parametrize("tamper", TAMPERS.values(), ids=TAMPERS.keys())
def test_changing_any_field_fails_verification(signed, pem, tamper) -> None:
    altered = copy.deepcopy(signed)
    tamper(altered)
    with pytest.raises(InvalidCertificate, match="signature does not match"):
        verify(altered, pem)


def test_a_forged_signature_value_fails(signed, pem) -> None:
    forged = copy.deepcopy(signed)
    forged["signature"]["value"] = base64.b64encode(bytes(64)).decode()
    with pytest.raises(InvalidCertificate, match="signature does not match"):
        verify(forged, pem)


def test_a_certificate_signed_by_another_key_names_the_key_ids(signed) -> None:
    other_pem = public_key_pem(other_settings())
    with pytest.raises(InvalidCertificate, match="signed with key '3dd392039fb45e27'"):
        verify(signed, other_pem)


def test_a_claimed_key_id_does_not_help_a_signature_by_another_key(pem) -> None:
    forged = sign(certificate(uid="U999"), other_settings())
    forged["signature"]["key_id"] = key_id(load_public_key(pem))
    with pytest.raises(InvalidCertificate, match="signature does not match"):
        verify(forged, pem)


def test_a_signed_but_non_canonical_spelling_is_refused(pem) -> None:
    doc = to_document(certificate())
    doc["closed_at"] = "2026-11-23T20:00:00+08:00"  # the same instant, another spelling
    value = signing_key(SETTINGS).sign(canonical_json(doc))
    signed = {
        "certificate": doc,
        "signature": {
            "algorithm": "Ed25519",
            "key_id": key_id(load_public_key(pem)),
            "value": base64.b64encode(value).decode(),
        },
    }
    with pytest.raises(InvalidCertificate, match="canonical form"):
        verify(signed, pem)


MALFORMED: dict[str, tuple[bytes, str]] = {
    "not json": (b"{certificate", "not valid JSON"),
    "not utf-8": (b"\xff\xfe{}", "not UTF-8"),
    "a list": (b"[]", "exactly certificate and signature"),
    "no signature": (b'{"certificate": {}}', "exactly certificate and signature"),
    "NaN": (b'{"certificate": NaN, "signature": {}}', "NaN"),
}


@pytest.mark.parametrize("raw, reason", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_file_fails_with_a_clear_reason(pem, raw, reason) -> None:
    with pytest.raises(InvalidCertificate, match=reason):
        verify(raw, pem)


def test_a_repeated_json_key_is_refused(signed, pem) -> None:
    raw = json.dumps(signed).replace('"uid": "U100234"', '"uid": "U100234", "uid": "U1"')
    with pytest.raises(InvalidCertificate, match="repeats a JSON key"):
        verify(raw.encode(), pem)


FIELD_ERRORS = {
    "missing uid": (lambda c: c.pop("uid"), "certificate: missing uid"),
    "unknown field": (lambda c: c.update(note="x"), "unknown field note"),
    "bad date": (
        lambda c: c["entries"][0].update(retained_until="2031-13-01"),
        r"entries\[0\].retained_until: '2031-13-01' is not an ISO date",
    ),
    "naive time": (lambda c: c.update(closed_at="2026-11-23T12:00:00"), "has no time zone"),
    "wrong format": (lambda c: c.update(format="v0"), "certificate.format"),
    "scan count": (lambda c: c["scan"].update(tables_checked="58"), "must be an integer"),
}


@pytest.mark.parametrize("change, reason", FIELD_ERRORS.values(), ids=FIELD_ERRORS.keys())
def test_a_malformed_field_is_named(signed, pem, change, reason) -> None:
    altered = copy.deepcopy(signed)
    change(altered["certificate"])
    with pytest.raises(InvalidCertificate, match=reason):
        verify(altered, pem)


def test_a_bad_signature_block_is_named(signed, pem) -> None:
    altered = copy.deepcopy(signed)
    altered["signature"]["algorithm"] = "RSA"
    with pytest.raises(InvalidCertificate, match=r"signature\.algorithm"):
        verify(altered, pem)
    altered = copy.deepcopy(signed)
    altered["signature"]["value"] = "not base64!"
    with pytest.raises(InvalidCertificate, match=r"signature\.value"):
        verify(altered, pem)


def test_a_public_key_that_is_not_ed25519_pem_is_an_input_error(signed) -> None:
    with pytest.raises(InvalidInput, match="not a PEM public key"):
        verify(signed, "hello")
    rsa_like = (
        Ed25519PrivateKey.generate()
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )
    with pytest.raises(InvalidInput):
        verify(signed, rsa_like)


def test_a_signing_key_of_the_wrong_size_is_a_configuration_error() -> None:
    short = Settings(database_url="sqlite://", certificate_signing_key=SecretStr("c2hvcnQ="))
    with pytest.raises(InvalidInput, match="32 bytes"):
        signing_key(short)


# --- the PDF --------------------------------------------------------------------------


def test_the_pdf_renders_and_is_deterministic(signed) -> None:
    pdf = render_pdf(signed)
    assert pdf.startswith(b"%PDF")
    assert render_pdf(signed) == pdf


@pytest.mark.parametrize("language", ["en", "zh_Hans"])
def test_the_pdf_attaches_the_json_under_the_name_it_is_downloaded_under(signed, language) -> None:
    """One name for the signed JSON: the download's and the PDF's attachment (its file
    specification and the 'How to verify' text that names it)."""
    downloaded = certificate_response(
        signed, CertificateFormat.JSON, public_base_url="https://close.example"
    ).headers["content-disposition"]
    name = "closure-certificate-erun_01JD8Z3K4M5N6P7Q8R9S0T1V2W.json"
    assert downloaded == f'attachment; filename="{name}"'
    pdf = render_pdf(signed, language)
    assert f"/F ({name})".encode() in pdf
    assert b"closure-certificate.json" not in pdf
    pages = certificate_response(
        signed, CertificateFormat.PDF, language, public_base_url="https://close.example"
    ).headers["content-disposition"]
    assert pages == f'attachment; filename="{name.removesuffix(".json")}.pdf"'


def test_the_pdf_alone_verifies(signed, pem) -> None:
    assert verify(render_pdf(signed), pem) == certificate()
    assert json.loads(embedded_document(render_pdf(signed))) == signed


def test_a_pdf_whose_attached_json_was_altered_fails(signed, pem) -> None:
    pdf = render_pdf(signed)
    tampered = pdf.replace(b'"uid": "U100234"', b'"uid": "U100235"')
    assert tampered != pdf
    with pytest.raises(InvalidCertificate, match="signature does not match"):
        verify(tampered, pem)


def test_a_pdf_without_the_attachment_is_refused(pem) -> None:
    from fpdf import FPDF

    plain = FPDF()
    plain.add_page()
    with pytest.raises(InvalidCertificate, match="attached certificate"):
        verify(bytes(plain.output()), pem)


def test_a_failed_scan_and_non_latin_text_still_render(pem) -> None:
    cert = certificate(
        issuer="示例交易所 — Example",
        scan=ScanResult(passed=False, tables_checked=58, findings=("tickets.body row 12",)),
    )
    pdf = render_pdf(sign(cert, SETTINGS))
    assert pdf.startswith(b"%PDF")
    assert verify(pdf, pem).issuer == "示例交易所 — Example"
