"""Ed25519 signatures over closure certificates, and their verification by anyone.

The published document is ``{"certificate": {...}, "signature": {"algorithm": "Ed25519",
"key_id": ..., "value": base64}}``; the signature covers the canonical bytes of
``certificate`` (``lastgate.erasure.model.certificate.canonical_bytes``). The key id names the
key that signed, so certificates issued before a key rotation still verify with the
retired public key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import Any, Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from lastgate.erasure.model.certificate import (
    AlteredCertificate,
    ClosureCertificate,
    InvalidCertificate,
    SignedByAnotherKey,
    canonical_bytes,
    canonical_json,
    from_document,
    to_document,
)
from lastgate.kernel.errors import InvalidInput
from lastgate.kernel.settings import Settings

ALGORITHM: Final = "Ed25519"
_SIGNATURE_KEYS = frozenset({"algorithm", "key_id", "value"})


def signing_key(settings: Settings) -> Ed25519PrivateKey:
    """The private key from ``certificate_signing_key`` (base64 of a 32-byte seed)."""
    raw = settings.certificate_signing_key.get_secret_value()
    try:
        seed = base64.b64decode(raw, validate=True)
    except binascii.Error:
        seed = b""
    if len(seed) != 32:
        raise InvalidInput("LASTGATE_CERTIFICATE_SIGNING_KEY must be the base64 of 32 bytes")
    return Ed25519PrivateKey.from_private_bytes(seed)


def public_key_pem(settings: Settings) -> str:
    """The public half of the signing key, as the PEM file customers and auditors use."""
    public = signing_key(settings).public_key()
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def key_id(public_key: Ed25519PublicKey) -> str:
    """First 16 hex digits of the SHA-256 of the raw 32-byte public key."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def load_public_key(pem: str) -> Ed25519PublicKey:
    """An Ed25519 public key from PEM text; ``InvalidInput`` for anything else."""
    try:
        key = serialization.load_pem_public_key(pem.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        raise InvalidInput("the public key is not a PEM public key") from None
    if not isinstance(key, Ed25519PublicKey):
        raise InvalidInput("the public key is not an Ed25519 key")
    return key


def sign(cert: ClosureCertificate, settings: Settings) -> dict[str, Any]:
    """The published document: the certificate and its Ed25519 signature."""
    private = signing_key(settings)
    signature = private.sign(canonical_bytes(cert))
    return {
        "certificate": to_document(cert),
        "signature": {
            "algorithm": ALGORITHM,
            "key_id": key_id(private.public_key()),
            "value": base64.b64encode(signature).decode("ascii"),
        },
    }


def verify(document: bytes | dict[str, Any], public_key_pem: str) -> ClosureCertificate:
    """The certificate, if ``document`` (JSON, its bytes, or the PDF) is signed by the key.

    Raises ``InvalidCertificate`` naming the reason: malformed, another key, or altered.
    """
    public = load_public_key(public_key_pem)
    doc = parse_document(document) if isinstance(document, bytes) else document
    if not isinstance(doc, dict) or set(doc) != {"certificate", "signature"}:
        raise InvalidCertificate(
            "a signed certificate is a JSON object with exactly certificate and signature"
        )
    cert = from_document(doc["certificate"])
    value = _signature_value(doc["signature"], expected_key_id=key_id(public))
    signed = canonical_json(doc["certificate"])
    try:
        public.verify(value, signed)
    except InvalidSignature:
        raise AlteredCertificate(
            "the signature does not match: the certificate was altered after signing"
        ) from None
    if canonical_bytes(cert) != signed:  # same meaning, another spelling: refuse it
        raise AlteredCertificate("the certificate is not in its canonical form")
    return cert


def parse_document(data: bytes) -> object:
    """JSON values from a certificate file: the JSON itself, or the JSON embedded in the PDF."""
    if data.startswith(b"%PDF"):
        # The PDF library is loaded only to read a PDF: signing (the worker's every
        # closure) and verifying the JSON never need it.
        from lastgate.erasure.adapters.certificate_pdf import embedded_document

        data = embedded_document(data)
    try:
        return json.loads(
            data.decode("utf-8"),
            object_pairs_hook=_no_duplicate_keys,
            parse_constant=_no_constant,
        )
    except UnicodeDecodeError:
        raise InvalidCertificate("the certificate file is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise InvalidCertificate(f"the certificate file is not valid JSON: {exc}") from None


def _signature_value(signature: object, *, expected_key_id: str) -> bytes:
    if not isinstance(signature, dict) or set(signature) != _SIGNATURE_KEYS:
        raise InvalidCertificate("signature: must hold exactly algorithm, key_id and value")
    if signature["algorithm"] != ALGORITHM:
        raise InvalidCertificate(f"signature.algorithm: expected {ALGORITHM!r}")
    if signature["key_id"] != expected_key_id:
        raise SignedByAnotherKey(
            f"signed with key {signature['key_id']!r}, but the public key given is "
            f"{expected_key_id!r}: use the public key that key id names"
        )
    try:
        value = base64.b64decode(str(signature["value"]), validate=True)
    except binascii.Error:
        value = b""
    if len(value) != 64:
        raise InvalidCertificate("signature.value: not the base64 of a 64-byte Ed25519 signature")
    return value


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    if len(set(keys)) != len(keys):
        raise InvalidCertificate("the certificate file repeats a JSON key")
    return dict(pairs)


def _no_constant(name: str) -> None:
    raise InvalidCertificate(f"the certificate file holds {name}, which JSON does not allow")
