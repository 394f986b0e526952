"""Secrets that people type or carry: slip codes, phone codes, API tokens — made and hashed.

Only keyed hashes are stored (HMAC-SHA256 with a key derived from SECRET_KEY), so a database dump
does not let anyone sign in with a printed slip or a pending SMS code.
"""

from __future__ import annotations

import hashlib
import re
import secrets

from django.utils.crypto import constant_time_compare, salted_hmac

from danchu.core import vn

__all__ = [
    "SLIP_ALPHABET",
    "format_slip_code",
    "hash_secret",
    "hash_token",
    "new_api_token",
    "new_phone_code",
    "new_slip_code",
    "normalise_phone",
    "normalise_slip_code",
    "secrets_equal",
]

# No 0/O, 1/I/L: letters a village head reads aloud and an old person types without confusion.
SLIP_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
SLIP_LENGTH = 10
_NOT_ALNUM = re.compile(r"[^0-9A-Za-z]")


def new_slip_code() -> str:
    """Ten characters from the unambiguous alphabet (about 49 bits)."""
    return "".join(secrets.choice(SLIP_ALPHABET) for _ in range(SLIP_LENGTH))


def format_slip_code(code: str) -> str:
    """``ABCDE-FGHJK``: two groups of five, easier to read out and type."""
    code = normalise_slip_code(code)
    return f"{code[:5]}-{code[5:]}"


def normalise_slip_code(text: str) -> str:
    """Upper-case, without spaces or dashes; common misreadings mapped back (O→0 is not in the
    alphabet, so a typed O or 0 can never match and we leave them be)."""
    return _NOT_ALNUM.sub("", text or "").upper()[:32]


def new_phone_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def new_api_token() -> str:
    return "dc_" + secrets.token_urlsafe(32)


def hash_secret(purpose: str, value: str) -> str:
    """HMAC-SHA256 of a low-entropy secret (slip or phone code), keyed per purpose."""
    return salted_hmac(f"danchu.accounts.{purpose}", value, algorithm="sha256").hexdigest()


def hash_token(token: str) -> str:
    """SHA-256 of a high-entropy API token (no key needed: it cannot be guessed)."""
    return hashlib.sha256(token.encode()).hexdigest()


def secrets_equal(a: str, b: str) -> bool:
    return constant_time_compare(a, b)


def normalise_phone(text: str) -> str:
    """``+84 912 345 678`` → ``0912345678`` (:func:`danchu.core.vn.normalise_phone`, as the
    register stores it, so the blind indexes match); "" when it is not a Vietnamese number."""
    return vn.normalise_phone(text) or ""
