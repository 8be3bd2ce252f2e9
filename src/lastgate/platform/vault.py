"""Envelope encryption of retained records: a random AES-256-GCM data key per closed
customer, itself encrypted ("wrapped") by the master key from settings.

Destroying a customer's wrapped key is crypto-shredding: every record sealed with it,
and every backup of those records, becomes unreadable.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from lastgate.kernel.settings import Settings

_NONCE = 12


class KeyUnavailable(Exception):
    """The data key was destroyed, or no master key known here can unwrap it."""


def _decode_master(secret: str) -> bytes:
    key = base64.b64decode(secret)
    if len(key) != 32:
        raise ValueError("a master key must be the base64 of exactly 32 bytes")
    return key


def master_key_id(key: bytes) -> str:
    return hashlib.sha256(b"lastgate-master-key-id" + key).hexdigest()[:16]


@dataclass(frozen=True)
class MasterKeys:
    """The current master key and the retired ones still accepted for unwrapping."""

    current: bytes
    retired: tuple[bytes, ...] = ()

    @classmethod
    def from_settings(cls, settings: Settings) -> MasterKeys:
        return cls(
            _decode_master(settings.master_key.get_secret_value()),
            tuple(_decode_master(k.get_secret_value()) for k in settings.previous_master_keys),
        )

    @property
    def current_id(self) -> str:
        return master_key_id(self.current)

    def by_id(self, key_id: str) -> bytes:
        for key in (self.current, *self.retired):
            if master_key_id(key) == key_id:
                return key
        raise KeyUnavailable(f"no master key with id {key_id} is configured")


def _seal(key: bytes, plaintext: bytes, context: bytes) -> str:
    nonce = os.urandom(_NONCE)
    return base64.b64encode(nonce + AESGCM(key).encrypt(nonce, plaintext, context)).decode()


def _open(key: bytes, token: str, context: bytes) -> bytes:
    raw = base64.b64decode(token)
    try:
        return AESGCM(key).decrypt(raw[:_NONCE], raw[_NONCE:], context)
    except InvalidTag:
        raise KeyUnavailable("authentication failed: wrong key or altered data") from None


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def wrap(masters: MasterKeys, data_key: bytes, key_id: str) -> tuple[str, str]:
    """(wrapped key, master key id); the customer's key id is bound in as context."""
    return _seal(masters.current, data_key, key_id.encode()), masters.current_id


def unwrap(masters: MasterKeys, wrapped: str | None, master_id: str, key_id: str) -> bytes:
    if not wrapped:
        raise KeyUnavailable(f"data key {key_id} was destroyed")
    return _open(masters.by_id(master_id), wrapped, key_id.encode())


def seal_record(data_key: bytes, plaintext: bytes, *, key_id: str, source: str) -> str:
    return _seal(data_key, plaintext, f"{key_id}/{source}".encode())


def open_record(data_key: bytes, token: str, *, key_id: str, source: str) -> bytes:
    return _open(data_key, token, f"{key_id}/{source}".encode())
