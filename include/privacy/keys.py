"""The secret key of the keyed (salted) PII hashes, and the hash itself.

A plain SHA-256 of a phone number can be reversed by enumeration: a Chinese mobile number
has 11 digits with a fixed leading ``1``, so hashing all ~10^10 candidates takes minutes on a
GPU. HMAC-SHA256 (RFC 2104) with a secret key cannot be enumerated without the key, and the
same number still hashes to the same value under one key, which is all the cross-platform
identity resolution (``int_customer_accounts_resolved``) needs.

Where the key comes from, in order:

1. ``EE_PII_HASH_KEY``: the key as text (at least 32 characters; e.g. the output of
   ``python -c "import secrets; print(secrets.token_hex(32))"``). Use this in production and
   give the same value to every producer that hashes phone numbers for the landing zone;
   keep it in a secret store, never in git.
2. Otherwise ``<EE_DATA_DIR>/.pii_hash_key``: a random 256-bit key created on first use
   (mode 0600, one warning in the log saying so) and read on every later use. It keeps one
   installation consistent (demo generator, loader, ``xe erase``) but is lost with the data
   folder: back it up with the data, or set ``EE_PII_HASH_KEY``.

Changing the key changes every hash: accounts hashed under the old key no longer match
accounts hashed under the new one, and erasure tombstones written under the old key no longer
match rows (see docs/privacy.md).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

KEY_ENV = "EE_PII_HASH_KEY"
KEY_FILE_NAME = ".pii_hash_key"
MIN_KEY_CHARS = 32


def key_file() -> Path:
    """Where the per-installation key lives when ``EE_PII_HASH_KEY`` is unset."""
    from include.config import settings

    return settings().data_dir / KEY_FILE_NAME


def hash_key() -> bytes:
    """The HMAC key: ``EE_PII_HASH_KEY``, else the installation's key file (created once).

    Returns:
        The key bytes (UTF-8 of the text; at least 32 bytes).

    Raises:
        ValueError: ``EE_PII_HASH_KEY`` (or the key file) holds fewer than 32 characters.
        OSError: the key file cannot be created or read.
    """
    text = os.environ.get(KEY_ENV)
    if text is not None and text.strip():
        return _checked(text.strip(), KEY_ENV)
    return _file_key(str(key_file()))


def _checked(text: str, origin: str) -> bytes:
    if len(text) < MIN_KEY_CHARS:
        raise ValueError(f"{origin} must hold at least {MIN_KEY_CHARS} characters (it has {len(text)}); make one "
                         "with: python -c \"import secrets; print(secrets.token_hex(32))\"")
    return text.encode("utf-8")


@lru_cache(maxsize=8)
def _file_key(path_text: str) -> bytes:
    path = Path(path_text)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:  # O_EXCL: two processes starting at once agree on the first key written
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(secrets.token_hex(32) + "\n")
            log.warning("%s is not set: created a random per-installation PII hash key at %s (mode 0600). "
                        "Back it up with the data, or set %s (docs/privacy.md).", KEY_ENV, path, KEY_ENV)
    text = path.read_text(encoding="ascii").strip()
    if path.stat().st_mode & 0o077:
        log.warning("the PII hash key file %s is readable by other users; chmod 600 it", path)
    return _checked(text, str(path))


def normalise_phone(phone: str) -> str:
    """Digits only, without the +86 / 0086 country code: the form of a phone number that is hashed.

    ``"+86 138-0013-8000"``, ``"0086 13800138000"`` and ``"13800138000"`` all give ``"13800138000"``.
    """
    digits = "".join(ch for ch in phone if ch.isdigit())
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


def phone_hash(phone: str, *, key: bytes | None = None) -> str:
    """Keyed hash of a phone number: :func:`keyed_hash` of :func:`normalise_phone`. This is the
    ``phone_hash`` of the landing contract (``customer_accounts``)."""
    return keyed_hash(normalise_phone(phone), key=key)


def keyed_hash(value: str, *, key: bytes | None = None) -> str:
    """HMAC-SHA256 (RFC 2104, ``hmac`` from the standard library) of ``value``'s UTF-8 bytes.

    Args:
        value: the identifier to hash, already normalised by the caller.
        key: the HMAC key (default :func:`hash_key`).

    Returns:
        64 lower-case hex characters.

    Raises:
        TypeError: ``value`` is not a string.
    """
    if not isinstance(value, str):
        raise TypeError(f"keyed_hash needs text, not {type(value).__name__}")
    return hmac.new(key if key is not None else hash_key(), value.encode("utf-8"), hashlib.sha256).hexdigest()
