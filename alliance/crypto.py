"""Encryption at rest for free text about clients (journal, notes, goals, tasks, repairs):
AES-256-GCM.

Keys come from ALLIANCE_ENCRYPTION_KEYS, newest first. Each stored value names the key that
sealed it (a short fingerprint, never the key), so older keys keep decrypting until
`alliance keys rotate` has re-sealed everything with the newest one.

Stored form: ``aes1:<key fingerprint>:<url-safe base64 of nonce ‖ ciphertext ‖ tag>``.
"""

import base64
import hashlib
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import models

PREFIX = "aes1"
NONCE_BYTES = 12


class DecryptionError(Exception):
    pass


def fingerprint(key: bytes) -> str:
    return hashlib.sha256(b"alliance-key-id" + key).hexdigest()[:12]


def generate_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def _keys() -> dict[str, bytes]:
    return {fingerprint(key): key for key in settings.ENCRYPTION_KEYS}


def known_fingerprints() -> set[str]:
    return set(_keys())


def newest_fingerprint() -> str:
    return fingerprint(settings.ENCRYPTION_KEYS[0])


def encrypt(plaintext: str, context: str = "") -> str:
    """Seal text with the newest key; `context` (the field's name) is bound in as associated
    data, so a value copied into another column no longer decrypts."""
    key = settings.ENCRYPTION_KEYS[0]
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(key).encrypt(nonce, plaintext.encode(), context.encode())
    body = base64.urlsafe_b64encode(nonce + sealed).decode()
    return f"{PREFIX}:{fingerprint(key)}:{body}"


def key_of(stored: str) -> str | None:
    parts = stored.split(":", 2)
    return parts[1] if len(parts) == 3 and parts[0] == PREFIX else None


def decrypt(stored: str, context: str = "") -> str:
    try:
        prefix, key_id, body = stored.split(":", 2)
    except ValueError:
        raise DecryptionError("not an encrypted value")
    if prefix != PREFIX:
        raise DecryptionError("not an encrypted value")
    key = _keys().get(key_id)
    if key is None:
        raise DecryptionError(f"sealed with key {key_id}, which is not in ALLIANCE_ENCRYPTION_KEYS")
    raw = base64.urlsafe_b64decode(body.encode())
    try:
        return AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode()).decode()
    except InvalidTag:
        raise DecryptionError("the value was altered or sealed for another field")


class EncryptedTextField(models.TextField):
    """A text column that the database only ever sees encrypted.

    It cannot be searched or filtered in SQL; that is the point.
    """

    # Free text about a client, which the "Who sees my data" page must account for; a secret
    # of the system (an authenticator's key) is sealed the same way but is no one's record.
    holds_client_text = True

    def context(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value, self.context())

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value, self.context())


def encrypted_fields():
    """Every (model, field) pair holding encrypted text, for key rotation."""
    from django.apps import apps

    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField):
                yield model, field
