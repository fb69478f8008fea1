"""Secrets: staff passwords (argon2), session tokens, kiosk enrollment codes and credentials.

Tokens and credentials are long random strings, so the database keeps only their SHA-256;
passwords are short and human, so they get argon2.
"""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
#: verified against when a username is unknown, so both paths cost the same time
_DUMMY_HASH = _hasher.hash("not a password")

KIOSK_CREDENTIAL_PREFIX = "vk_"
STAFF_TOKEN_PREFIX = "vs_"  # noqa: S105 - a prefix, not a secret
#: readable enrollment codes: no 0/O or 1/I/L to misread from a sticker
_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_staff_token() -> str:
    return STAFF_TOKEN_PREFIX + secrets.token_urlsafe(32)


def new_kiosk_credential() -> str:
    return KIOSK_CREDENTIAL_PREFIX + secrets.token_urlsafe(32)


def new_enrollment_code() -> str:
    """12 characters (~59 bits), shown grouped as XXXX-XXXX-XXXX."""
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalise_enrollment_code(code: str) -> str:
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    if len(cleaned) != 12:
        return ""
    return f"{cleaned[:4]}-{cleaned[4:8]}-{cleaned[8:]}"


def new_id(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(6)}"
