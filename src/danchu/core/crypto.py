"""Personal data at rest: citizen IDs (CCCD) and phone numbers.

A database dump alone must not reveal them (Law 91/2025 on personal data; issue #2), so they are
stored Fernet-encrypted with a key from the environment (``DANCHU_DATA_KEY``; several keys,
newest first, allow rotation). Equality look-ups and uniqueness use a keyed HMAC ("blind
index") of the normalised value, never the clear text.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

__all__ = [
    "EncryptedTextField",
    "blind_index",
    "decrypt",
    "encrypt",
    "mask_citizen_id",
    "mask_phone",
]


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("DANCHU_DATA_KEY is required to store personal data")
    return MultiFernet([Fernet(k.encode()) for k in keys])


@lru_cache(maxsize=4)
def _index_key(first_key: str) -> bytes:
    # A separate key for the blind index, derived so that it never equals the encryption key.
    return hashlib.sha256(b"danchu-blind-index:" + first_key.encode()).digest()


def _keys() -> tuple[str, ...]:
    return tuple(settings.DATA_KEYS)


def encrypt(value: str) -> str:
    return _fernet(_keys()).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet(_keys()).decrypt(token.encode()).decode()
    except InvalidToken as exc:  # a wrong key must fail loudly, never show ciphertext
        raise ImproperlyConfigured(
            "Personal data cannot be decrypted with DANCHU_DATA_KEY"
        ) from exc


def blind_index(value: str | None) -> str:
    """A keyed hash of a normalised value, for look-ups and unique constraints."""
    if not value:
        return ""
    keys = _keys()
    if not keys:
        raise ImproperlyConfigured("DANCHU_DATA_KEY is required to store personal data")
    return hmac.new(_index_key(keys[-1]), value.encode(), hashlib.sha256).hexdigest()


def mask_citizen_id(value: str | None) -> str:
    """Show only the last 3 digits: ``*********567``."""
    if not value:
        return ""
    return "*" * (len(value) - 3) + value[-3:]


def mask_phone(value: str | None) -> str:
    """Keep the first 3 and last 2 digits: ``091*****67``."""
    if not value:
        return ""
    if len(value) <= 5:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 5) + value[-2:]


class EncryptedTextField(models.TextField):
    """A text column holding a Fernet token; Python sees the clear text.

    Not searchable or orderable in the database: pair it with a blind-index column.
    """

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt(str(value))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value in (None, ""):
            return value
        return decrypt(value)
