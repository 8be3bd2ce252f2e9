"""The closure certificate: what happened to each category of a closed customer's data, and
which small balances the customer gave up, with their consent, before closing.

The certificate is signed over its canonical bytes (JSON, sorted keys, no whitespace,
UTF-8, ISO 8601 dates), so anyone holding the published public key can check that
nothing in it was changed. Signing lives in ``lastgate.erasure.adapters.certificate_signing``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from lastgate.kernel.errors import InvalidInput
from lastgate.kernel.money import to_wire

FORMAT = "lastgate.closure-certificate.v1"
ACTIONS = ("delete", "anonymise", "retain")


def file_name(certificate_id: str, extension: str) -> str:
    """The name of a certificate's file, ``closure-certificate-<id>.<extension>``: the
    signed JSON downloaded and the one attached inside the PDF carry the same name. The id
    is kept to letters, digits, ``_``, ``.`` and ``-``, so the name is safe in a header."""
    safe_id = re.sub(r"[^A-Za-z0-9_.-]", "_", certificate_id)
    return f"closure-certificate-{safe_id}.{extension}"


#: The page where anyone checks a certificate (``erasure.pages``); the PDF names it.
VERIFY_PATH = "/web/certificates/verify"


def check_page(public_base_url: str) -> str:
    """The full address of the certificate check page of the issuer at ``public_base_url``."""
    return public_base_url.rstrip("/") + VERIFY_PATH


_CERTIFICATE_KEYS = frozenset(
    {
        "format",
        "certificate_id",
        "uid",
        "closure_id",
        "closed_at",
        "issued_at",
        "issuer",
        "entries",
        "scan",
    }
)
#: Present only when the customer gave up balances, so that every certificate issued
#: without one keeps the bytes it was signed over.
_OPTIONAL_KEYS = frozenset({"forfeited"})
_ENTRY_KEYS = frozenset({"category", "description", "action", "legal_basis", "retained_until"})
_FORFEIT_KEYS = frozenset({"account_type", "asset", "amount", "forfeited_at", "consent_by"})
_SCAN_KEYS = frozenset({"passed", "tables_checked", "findings"})


class InvalidCertificate(InvalidInput):
    """A certificate that is malformed, altered, or not signed by the key given; which of
    the three is ``kind`` (the code stays ``INVALID_CERTIFICATE`` for all)."""

    code = "INVALID_CERTIFICATE"
    kind = "malformed"  # not a signed certificate at all, or one that breaks its format


class SignedByAnotherKey(InvalidCertificate):
    """A well-formed certificate whose signature names another key than the one given."""

    kind = "another_key"


class AlteredCertificate(InvalidCertificate):
    """A certificate signed by the key given, whose signed content was changed since."""

    kind = "altered"


@dataclass(frozen=True, slots=True)
class CertificateEntry:
    """One data category: what was done to it, why, and until when it is kept."""

    category: str
    description: str
    action: str  # "delete" | "anonymise" | "retain"
    legal_basis: str
    retained_until: date | None

    def __post_init__(self) -> None:
        if self.action not in ACTIONS:
            raise InvalidCertificate(f"category {self.category!r}: unknown action {self.action!r}")
        if self.action == "retain" and self.retained_until is None:
            raise InvalidCertificate(f"category {self.category!r}: retained without an end date")
        if self.action != "retain" and self.retained_until is not None:
            raise InvalidCertificate(
                f"category {self.category!r}: {self.action} cannot have a retention end date"
            )


@dataclass(frozen=True, slots=True)
class ScanResult:
    """The verification scan: no row outside the retained categories names the customer."""

    passed: bool
    tables_checked: int
    findings: tuple[str, ...]

    def __post_init__(self) -> None:
        if self.tables_checked < 0:
            raise InvalidCertificate("scan: tables_checked cannot be negative")
        if self.passed == bool(self.findings):
            raise InvalidCertificate("scan: passed must be true exactly when there are no findings")


@dataclass(frozen=True, slots=True)
class ForfeitedBalance:
    """A small balance the customer gave up with their explicit consent before closing:
    the amount exactly as the ledger entry records it, when, and who consented
    (``account_holder``, or the staff member who acted for them)."""

    account_type: str
    asset: str
    amount: str
    forfeited_at: datetime
    consent_by: str

    def __post_init__(self) -> None:
        for name in ("account_type", "asset", "consent_by"):
            if not getattr(self, name):
                raise InvalidCertificate(f"forfeited: {name} cannot be empty")
        try:
            amount = Decimal(self.amount)
        except InvalidOperation:
            amount = Decimal(0)
        if not amount.is_finite() or amount <= 0 or to_wire(amount) != self.amount:
            raise InvalidCertificate(
                f"forfeited: amount {self.amount!r} is not a positive plain decimal"
            )
        if self.forfeited_at.utcoffset() is None:
            raise InvalidCertificate("forfeited: forfeited_at must be timezone-aware")


@dataclass(frozen=True, slots=True)
class ClosureCertificate:
    """The statement a customer and an auditor receive once a closure's erasure is done."""

    certificate_id: str
    uid: str
    closure_id: str
    closed_at: datetime
    issued_at: datetime
    issuer: str
    entries: tuple[CertificateEntry, ...]
    scan: ScanResult
    forfeited: tuple[ForfeitedBalance, ...] = ()

    def __post_init__(self) -> None:
        for name in ("certificate_id", "uid", "closure_id", "issuer"):
            if not getattr(self, name):
                raise InvalidCertificate(f"{name} cannot be empty")
        for name in ("closed_at", "issued_at"):
            if getattr(self, name).utcoffset() is None:
                raise InvalidCertificate(f"{name} must be timezone-aware")
        if not self.entries:
            raise InvalidCertificate("a certificate lists at least one category")
        names = [entry.category for entry in self.entries]
        if len(set(names)) != len(names):
            raise InvalidCertificate("a category is listed more than once")


def format_instant(value: datetime) -> str:
    """An instant as ISO 8601 in UTC with a ``Z``: the one spelling the signature covers."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def to_document(cert: ClosureCertificate) -> dict[str, object]:
    """The certificate as plain JSON values, with its format tag (``forfeited`` only when
    balances were given up)."""
    document: dict[str, object] = {
        "format": FORMAT,
        "certificate_id": cert.certificate_id,
        "uid": cert.uid,
        "closure_id": cert.closure_id,
        "closed_at": format_instant(cert.closed_at),
        "issued_at": format_instant(cert.issued_at),
        "issuer": cert.issuer,
        "entries": [
            {
                "category": entry.category,
                "description": entry.description,
                "action": entry.action,
                "legal_basis": entry.legal_basis,
                "retained_until": (
                    entry.retained_until.isoformat() if entry.retained_until else None
                ),
            }
            for entry in cert.entries
        ],
        "scan": {
            "passed": cert.scan.passed,
            "tables_checked": cert.scan.tables_checked,
            "findings": list(cert.scan.findings),
        },
    }
    if cert.forfeited:
        document["forfeited"] = [
            {
                "account_type": f.account_type,
                "asset": f.asset,
                "amount": f.amount,
                "forfeited_at": format_instant(f.forfeited_at),
                "consent_by": f.consent_by,
            }
            for f in cert.forfeited
        ]
    return document


def canonical_json(document: Mapping[str, object]) -> bytes:
    """Deterministic JSON: sorted keys, no whitespace, UTF-8 (the bytes that are signed)."""
    return json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def canonical_bytes(cert: ClosureCertificate) -> bytes:
    """The exact bytes the signature covers."""
    return canonical_json(to_document(cert))


def from_document(document: object) -> ClosureCertificate:
    """Read a certificate from its JSON values; ``InvalidCertificate`` says what is wrong."""
    doc = _object(document, "certificate", _CERTIFICATE_KEYS, optional=_OPTIONAL_KEYS)
    if doc["format"] != FORMAT:
        raise InvalidCertificate(
            f"certificate.format: expected {FORMAT!r}, found {doc['format']!r}"
        )
    entries = doc["entries"]
    if not isinstance(entries, list):
        raise InvalidCertificate("certificate.entries: must be a list")
    scan = _object(doc["scan"], "certificate.scan", _SCAN_KEYS)
    findings = scan["findings"]
    if not isinstance(findings, list) or not all(isinstance(f, str) for f in findings):
        raise InvalidCertificate("certificate.scan.findings: must be a list of strings")
    passed = scan["passed"]
    if not isinstance(passed, bool):
        raise InvalidCertificate("certificate.scan.passed: must be true or false")
    tables = scan["tables_checked"]
    if not isinstance(tables, int) or isinstance(tables, bool):
        raise InvalidCertificate("certificate.scan.tables_checked: must be an integer")
    return ClosureCertificate(
        certificate_id=_text(doc, "certificate_id", "certificate"),
        uid=_text(doc, "uid", "certificate"),
        closure_id=_text(doc, "closure_id", "certificate"),
        closed_at=_instant(doc, "closed_at"),
        issued_at=_instant(doc, "issued_at"),
        issuer=_text(doc, "issuer", "certificate"),
        entries=tuple(_entry(item, i) for i, item in enumerate(entries)),
        scan=ScanResult(passed=passed, tables_checked=tables, findings=tuple(findings)),
        forfeited=_forfeited(doc["forfeited"]) if "forfeited" in doc else (),
    )


def _forfeited(items: object) -> tuple[ForfeitedBalance, ...]:
    if not isinstance(items, list) or not items:
        raise InvalidCertificate("certificate.forfeited: must be a non-empty list when present")
    found = []
    for index, item in enumerate(items):
        path = f"certificate.forfeited[{index}]"
        doc = _object(item, path, _FORFEIT_KEYS)
        found.append(
            ForfeitedBalance(
                account_type=_text(doc, "account_type", path),
                asset=_text(doc, "asset", path),
                amount=_text(doc, "amount", path),
                forfeited_at=_instant(doc, "forfeited_at", path),
                consent_by=_text(doc, "consent_by", path),
            )
        )
    return tuple(found)


def _entry(item: object, index: int) -> CertificateEntry:
    path = f"certificate.entries[{index}]"
    doc = _object(item, path, _ENTRY_KEYS)
    until = doc["retained_until"]
    if until is not None:
        if not isinstance(until, str):
            raise InvalidCertificate(f"{path}.retained_until: must be a date or null")
        try:
            retained_until: date | None = date.fromisoformat(until)
        except ValueError:
            raise InvalidCertificate(
                f"{path}.retained_until: {until!r} is not an ISO date (YYYY-MM-DD)"
            ) from None
    else:
        retained_until = None
    return CertificateEntry(
        category=_text(doc, "category", path),
        description=_text(doc, "description", path),
        action=_text(doc, "action", path),
        legal_basis=_text(doc, "legal_basis", path),
        retained_until=retained_until,
    )


def _object(
    value: object, path: str, keys: frozenset[str], optional: frozenset[str] = frozenset()
) -> dict[str, object]:
    if not isinstance(value, dict):
        raise InvalidCertificate(f"{path}: must be a JSON object")
    missing = sorted(keys - value.keys())
    if missing:
        raise InvalidCertificate(f"{path}: missing {', '.join(missing)}")
    unknown = sorted(str(key) for key in value.keys() - keys - optional)
    if unknown:
        raise InvalidCertificate(f"{path}: unknown field {', '.join(unknown)}")
    return {str(key): item for key, item in value.items()}


def _text(doc: Mapping[str, object], key: str, path: str) -> str:
    value = doc[key]
    if not isinstance(value, str):
        raise InvalidCertificate(f"{path}.{key}: must be a string")
    return value


def _instant(doc: Mapping[str, object], key: str, path: str = "certificate") -> datetime:
    raw = _text(doc, key, path)
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidCertificate(f"{path}.{key}: {raw!r} is not an ISO date-time") from None
    if value.utcoffset() is None:
        raise InvalidCertificate(f"{path}.{key}: {raw!r} has no time zone")
    return value
