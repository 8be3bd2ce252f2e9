"""Small secrets sealed with the master key: AES-256-GCM encryption (TOTP secrets) and
HMAC-SHA256 digests (one-time codes), each under a key derived for its purpose.

Tokens name the master key they were made under (``sb1.<key id>.<data>``), so the
master key can be rotated: set a new ``master_key``, keep the old one in
``previous_master_keys`` until every token is resealed, then drop it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from lastgate.kernel.settings import Settings
from lastgate.platform.vault import master_key_id

_VERSION = "sb1"
_NONCE = 12
_SEAL_PURPOSE = b"lastgate/secret-box/aes-256-gcm/v1"
_DIGEST_PURPOSE = b"lastgate/secret-box/hmac-sha256/v1"


class SecretUnavailable(Exception):
    """A token that cannot be opened: altered, sealed for another context, or made
    under a master key that is no longer configured."""


def _decode_master(secret: str) -> bytes:
    key = base64.b64decode(secret, validate=True)
    if len(key) != 32:
        raise ValueError("a master key must be the base64 of exactly 32 bytes")
    return key


def _derive(master: bytes, purpose: bytes) -> bytes:
    # One master key, one subkey per use: AES-GCM and HMAC never share key material.
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(master)


@dataclass(frozen=True)
class SecretBox:
    """Seals and digests small secrets under the current master key; opens tokens made
    under the current or any retired master key."""

    current: bytes
    retired: tuple[bytes, ...] = ()

    @classmethod
    def from_settings(cls, settings: Settings) -> SecretBox:
        return cls(
            _decode_master(settings.master_key.get_secret_value()),
            tuple(_decode_master(k.get_secret_value()) for k in settings.previous_master_keys),
        )

    @property
    def current_key_id(self) -> str:
        return master_key_id(self.current)

    def _master(self, key_id: str) -> bytes:
        for key in (self.current, *self.retired):
            if hmac.compare_digest(master_key_id(key), key_id):
                return key
        raise SecretUnavailable(f"no master key with id {key_id} is configured")

    def seal(self, plaintext: bytes, *, context: bytes) -> str:
        """Encrypt ``plaintext``, bound to ``context`` (what it is and whose): a token
        copied to another row or purpose will not open there."""
        key_id = self.current_key_id
        nonce = os.urandom(_NONCE)
        sealed = AESGCM(_derive(self.current, _SEAL_PURPOSE)).encrypt(
            nonce, plaintext, _aad(key_id, context)
        )
        return f"{_VERSION}.{key_id}.{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def open_(self, token: str, *, context: bytes) -> bytes:
        """The plaintext of ``token``; ``SecretUnavailable`` if it cannot be trusted."""
        key_id, raw = _split(token)
        master = self._master(key_id)
        try:
            return AESGCM(_derive(master, _SEAL_PURPOSE)).decrypt(
                raw[:_NONCE], raw[_NONCE:], _aad(key_id, context)
            )
        except InvalidTag:
            raise SecretUnavailable(
                "authentication failed: altered token or wrong context"
            ) from None

    def needs_reseal(self, token: str) -> bool:
        """Whether ``token`` was made under a master key other than the current one."""
        return _split(token)[0] != self.current_key_id

    def reseal(self, token: str, *, context: bytes) -> str:
        """``token`` sealed again under the current master key (for key rotation)."""
        return self.seal(self.open_(token, context=context), context=context)

    def digest(self, message: bytes, *, context: bytes) -> str:
        """A keyed digest of ``message`` (HMAC-SHA256), for values that are checked but
        never read back, such as one-time codes."""
        return f"{self.current_key_id}${self._mac(self.current, message, context)}"

    def digest_matches(self, message: bytes, stored: str, *, context: bytes) -> bool:
        """Whether ``message`` has the digest ``stored``, compared in constant time."""
        key_id, _, mac = stored.partition("$")
        try:
            master = self._master(key_id)
        except SecretUnavailable:
            return False
        return hmac.compare_digest(self._mac(master, message, context), mac)

    @staticmethod
    def _mac(master: bytes, message: bytes, context: bytes) -> str:
        key = _derive(master, _DIGEST_PURPOSE)
        framed = len(context).to_bytes(4, "big") + context + message
        return hmac.new(key, framed, hashlib.sha256).hexdigest()


def _aad(key_id: str, context: bytes) -> bytes:
    return f"{_VERSION}.{key_id}.".encode() + context


def _split(token: str) -> tuple[str, bytes]:
    version, _, rest = token.partition(".")
    key_id, _, data = rest.partition(".")
    if version != _VERSION or not key_id or not data:
        raise SecretUnavailable("not a sealed token")
    try:
        raw = base64.urlsafe_b64decode(data.encode())
    except (binascii.Error, ValueError):
        raise SecretUnavailable("not a sealed token") from None
    if len(raw) <= _NONCE + 16:
        raise SecretUnavailable("not a sealed token")
    return key_id, raw
