"""Personal numbers (NIK, passport) encrypted at rest, and looked up by a keyed hash.

A value is sealed with AES-256-GCM (authenticated: a changed byte or a wrong key is refused,
never decrypted to garbage) under a random 96-bit nonce. The token names its format and key:

    e1:<key id>:<base64url(nonce + ciphertext + tag)>

so keys rotate: ``PERSONAL_DATA_KEYS`` lists "id:base64key" entries, the first encrypts and
all decrypt; ``manage.py rotate_personal_data_key`` re-seals old tokens with the first key.
The key id and format are bound into the tag (associated data), so a token cannot be
relabelled to another key.

Equality never decrypts: beside each encrypted column sits an HMAC-SHA256 of the normalised
value under ``PERSONAL_DATA_HASH_KEY`` (:func:`keyed_hash`), unique where the number is, so
an exact search, a duplicate check or a join between tables is a plain index lookup. Without
the key the hash cannot be recomputed from a guessed NIK (a NIK has few enough plausible
values that an unkeyed hash would be reversed by enumeration).

Pure functions: no models here (the field is ``core.fields.EncryptedCharField``), so the
settings can import the key parsing.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import os
import re

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

TOKEN_VERSION = "e1"  # noqa: S105 - a format tag, not a secret
TOKEN_PREFIX = TOKEN_VERSION + ":"
KEY_BYTES = 32  # AES-256
NONCE_BYTES = 12  # 96 bits, GCM's own size
KEY_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,16}$")


class PersonalDataKeyError(ValueError):
    """The keys in the settings are missing or malformed."""


class PersonalDataTokenError(ValueError):
    """A stored token that cannot be opened: altered, truncated, or sealed with a key no longer listed."""


def _b64decode(text: str) -> bytes:
    text = text.strip()
    return base64.urlsafe_b64decode(text.replace("+", "-").replace("/", "_") + "=" * (-len(text) % 4))


def parse_keys(entries: list[str] | tuple[str, ...]) -> list[tuple[str, bytes]]:
    """``["id:base64key", ...]`` -> ``[(id, 32 bytes), ...]``, refusing anything malformed."""
    keys: list[tuple[str, bytes]] = []
    for position, entry in enumerate(entries, 1):
        key_id, separator, encoded = entry.strip().partition(":")
        if not separator or not KEY_ID_PATTERN.fullmatch(key_id):
            raise PersonalDataKeyError(
                f"PERSONAL_DATA_KEYS entry {position} must read 'id:base64key' with an id of letters, digits, "
                "'-' or '_' (at most 16)."
            )
        try:
            key = _b64decode(encoded)
        except (binascii.Error, ValueError):
            key = b""
        if len(key) != KEY_BYTES:
            raise PersonalDataKeyError(
                f"PERSONAL_DATA_KEYS entry {position} ({key_id}) must hold a base64 key of exactly {KEY_BYTES} bytes."
            )
        if any(key_id == known for known, _key in keys):
            raise PersonalDataKeyError(f"PERSONAL_DATA_KEYS names key id {key_id!r} twice.")
        keys.append((key_id, key))
    if not keys:
        raise PersonalDataKeyError("PERSONAL_DATA_KEYS lists no key.")
    return keys


def parse_hash_key(encoded: str) -> bytes:
    """The hash key: base64 of at least 32 random bytes."""
    try:
        key = _b64decode(encoded or "")
    except (binascii.Error, ValueError):
        key = b""
    if len(key) < KEY_BYTES:
        raise PersonalDataKeyError(f"PERSONAL_DATA_HASH_KEY must be a base64 key of at least {KEY_BYTES} bytes.")
    return key


def new_key_entry(key_id: str) -> str:
    """A fresh "id:base64key" entry for PERSONAL_DATA_KEYS (what the rotation guide generates)."""
    return f"{key_id}:{base64.urlsafe_b64encode(os.urandom(KEY_BYTES)).decode()}"


def derived_dev_keys(secret_key: str) -> tuple[list[str], str]:
    """Dev and test only: an encryption key and a hash key derived (HKDF-SHA256) from their
    throwaway SECRET_KEY, so every process of the dev stack (web, workers, beat, pytest's)
    agrees on them with nothing to store or lose. Production refuses to start without real keys."""

    def derive(label: bytes) -> str:
        hkdf = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=b"siskop2mi-dev-personal-data", info=label)
        return base64.urlsafe_b64encode(hkdf.derive(secret_key.encode())).decode()

    return [f"dev:{derive(b'encryption')}"], derive(b"keyed-hash")


class Keyring:
    """The parsed keys: the first encrypts, every one decrypts; one hash key."""

    def __init__(self, entries, hash_key: str):
        keys = parse_keys(list(entries))
        self.current_id = keys[0][0]
        self.ciphers = {key_id: AESGCM(key) for key_id, key in keys}
        self.hash_key = parse_hash_key(hash_key)

    def encrypt(self, text: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        associated = f"{TOKEN_PREFIX}{self.current_id}".encode()
        sealed = self.ciphers[self.current_id].encrypt(nonce, text.encode(), associated)
        return f"{TOKEN_PREFIX}{self.current_id}:{base64.urlsafe_b64encode(nonce + sealed).decode().rstrip('=')}"

    def decrypt(self, token: str) -> str:
        version, _sep, rest = token.partition(":")
        key_id, _sep, payload = rest.partition(":")
        if version != TOKEN_VERSION or not payload:
            raise PersonalDataTokenError("not an encrypted personal number (expected 'e1:<key id>:<data>')")
        cipher = self.ciphers.get(key_id)
        if cipher is None:
            raise PersonalDataTokenError(f"sealed with key {key_id!r}, which PERSONAL_DATA_KEYS no longer lists")
        try:
            raw = _b64decode(payload)
            return cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], f"{TOKEN_PREFIX}{key_id}".encode()).decode()
        except (InvalidTag, binascii.Error, ValueError, UnicodeDecodeError) as error:
            raise PersonalDataTokenError(f"token sealed with key {key_id!r} fails its authentication") from error

    def keyed_hash(self, text: str) -> str:
        return hash_with(self.hash_key, text)


@functools.lru_cache(maxsize=4)
def _keyring_for(entries: tuple[str, ...], hash_key: str) -> Keyring:
    return Keyring(entries, hash_key)


def keyring() -> Keyring:
    """The keys the settings name now (a test that overrides the settings gets its own)."""
    from django.conf import settings

    return _keyring_for(tuple(settings.PERSONAL_DATA_KEYS), settings.PERSONAL_DATA_HASH_KEY)


def normalise(text: str) -> str:
    """A number as it is compared: no spaces, upper case (passport "c 1234567" is "C1234567")."""
    return "".join((text or "").split()).upper()


def hash_with(hash_key: bytes, text: str) -> str:
    """HMAC-SHA256 (hex) of the normalised ``text`` under ``hash_key``; '' for an empty value."""
    normalised = normalise(text)
    if not normalised:
        return ""
    return hmac.new(hash_key, normalised.encode(), hashlib.sha256).hexdigest()


def encrypt(text: str) -> str:
    """The token for ``text``; a new nonce each time, so equal numbers give different tokens."""
    return keyring().encrypt(text)


def decrypt(token: str) -> str:
    """The text inside ``token``; PersonalDataTokenError when it was altered or its key is gone."""
    return keyring().decrypt(token)


def keyed_hash(text: str) -> str:
    """HMAC-SHA256 (hex) of the normalised ``text``: what equality and duplicates compare. '' stays ''."""
    return keyring().keyed_hash(text)


def is_token(value: str) -> bool:
    return isinstance(value, str) and value.startswith(TOKEN_PREFIX)


def token_key_id(token: str) -> str:
    """The id of the key a token was sealed with ('' for an empty value)."""
    return token.split(":", 2)[1] if is_token(token) else ""
