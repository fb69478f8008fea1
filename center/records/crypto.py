"""Records at rest: AES-256-GCM with one server key, and a keyed hash to find an ID number
without storing it in the clear.

The key is 32 random bytes. It comes from ``VWINDOW_RECORDS_KEY`` (base64) or from the key
file of ``[records] key_file`` (default ``<data_dir>/records.key``), which is created with mode
0600 at the first start when it does not exist. Losing the key loses every page and ID number
stored with it: back it up apart from the data.

Sealed blobs are ``b"VWE1" + 12-byte nonce + ciphertext with its 16-byte tag``. The associated
data binds a blob to what it is (a page id, a case id), so a blob copied onto another record
does not decrypt.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"VWE1"
NONCE_BYTES = 12
KEY_BYTES = 32
TAG_BYTES = 16
#: what sealing adds to the plaintext
SEAL_OVERHEAD = len(MAGIC) + NONCE_BYTES + TAG_BYTES
KEY_ENV = "VWINDOW_RECORDS_KEY"
#: 10 bytes: 16 base32 characters without padding
TRACKING_TOKEN_BYTES = 10


class RecordsKeyError(RuntimeError):
    """The key is missing, malformed, or does not open a blob."""


class RecordsCipher:
    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise RecordsKeyError(f"the records key must be {KEY_BYTES} bytes, not {len(key)}")
        self._aead = AESGCM(key)
        # a separate key for the search hash, so the hash reveals nothing about the AES key
        self._hash_key = self._derive(key, "id-number search")
        self._tracking_key = self._derive(key, "case tracking")

    def seal(self, plaintext: bytes, context: str) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return MAGIC + nonce + self._aead.encrypt(nonce, plaintext, context.encode())

    def open(self, sealed: bytes, context: str) -> bytes:
        if not is_sealed(sealed):
            raise RecordsKeyError("not a sealed record")
        nonce = sealed[len(MAGIC) : len(MAGIC) + NONCE_BYTES]
        try:
            return self._aead.decrypt(nonce, sealed[len(MAGIC) + NONCE_BYTES :], context.encode())
        except InvalidTag as exc:
            raise RecordsKeyError(
                "the record does not open with this key (wrong key or damaged data)"
            ) from exc

    def seal_text(self, text: str, context: str) -> str:
        return base64.b64encode(self.seal(text.encode(), context)).decode("ascii")

    def open_text(self, sealed: str, context: str) -> str:
        return self.open(base64.b64decode(sealed), context).decode()

    def search_hash(self, id_number: str) -> str:
        """The same number always gives the same hash; without the key it cannot be guessed
        by hashing all 10^17 candidate numbers."""
        normalised = id_number.strip().upper()
        return hmac.new(self._hash_key, normalised.encode(), hashlib.sha256).hexdigest()


    def tracking_token(self, case_number: str) -> str:
        """The secret part of a case's public tracking URL: HMAC-SHA256 of the case number
        under its own derived key, 80 bits as 16 lower-case base32 characters. Case numbers
        are sequential; without the key the token of another one cannot be worked out."""
        digest = hmac.new(self._tracking_key, case_number.encode(), hashlib.sha256).digest()
        return base64.b32encode(digest[:TRACKING_TOKEN_BYTES]).decode("ascii").lower()

    def tracking_token_matches(self, case_number: str, token: str) -> bool:
        """Constant-time, and case-insensitive (a QR reader or a person may upper-case it)."""
        given = token.strip().lower().encode("utf-8", "replace")
        return hmac.compare_digest(self.tracking_token(case_number).encode("ascii"), given)

    @staticmethod
    def _derive(key: bytes, purpose: str) -> bytes:
        return hmac.new(key, f"vwindow {purpose}".encode(), hashlib.sha256).digest()


def is_sealed(data: bytes) -> bool:
    return data.startswith(MAGIC) and len(data) >= SEAL_OVERHEAD


def load_key(key_file: Path, env: dict[str, str] | None = None) -> bytes:
    """The key from the environment, else from the file, creating the file (0600) if it does
    not exist."""
    environment = os.environ if env is None else env
    if environment.get(KEY_ENV):
        return _decode(environment[KEY_ENV], KEY_ENV)
    try:
        return _decode(key_file.read_text(encoding="ascii"), str(key_file))
    except FileNotFoundError:
        pass
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key = os.urandom(KEY_BYTES)
    try:
        # O_EXCL: two processes starting at once must not each write their own key
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _decode(key_file.read_text(encoding="ascii"), str(key_file))
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        file.write(base64.b64encode(key).decode("ascii") + "\n")
        file.flush()
        os.fsync(file.fileno())
    return key


def _decode(text: str, where: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise RecordsKeyError(f"{where}: the records key must be base64") from exc
    if len(key) != KEY_BYTES:
        raise RecordsKeyError(f"{where}: the records key must be {KEY_BYTES} bytes")
    return key
