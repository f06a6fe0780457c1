"""The keyed phone hash: not the plain SHA-256, different per key, stable per installation."""

from __future__ import annotations

import hashlib
import hmac
import os
import stat

import pytest

from include.demo.people import phone_hash as demo_phone_hash
from include.privacy.keys import hash_key, keyed_hash, normalise_phone, phone_hash

KEY_A = "a" * 16 + "0123456789abcdef"
KEY_B = "b" * 16 + "0123456789abcdef"


def test_hash_is_hmac_not_plain_sha256_and_changes_with_the_key(monkeypatch, tmp_path):
    monkeypatch.setenv("EE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("EE_PII_HASH_KEY", KEY_A)
    under_a = phone_hash("+86 138-0013-8000")
    assert under_a != hashlib.sha256(b"13800138000").hexdigest()
    assert under_a == hmac.new(KEY_A.encode(), b"13800138000", hashlib.sha256).hexdigest()
    monkeypatch.setenv("EE_PII_HASH_KEY", KEY_B)
    assert phone_hash("13800138000") != under_a
    # the demo producer uses the same hash; formats of one number agree under one key
    assert demo_phone_hash("0086 13800138000") == phone_hash("13800138000") == demo_phone_hash("+8613800138000")
    assert normalise_phone("+86 138-0013-8000") == "13800138000"


def test_short_key_is_refused(monkeypatch):
    monkeypatch.setenv("EE_PII_HASH_KEY", "secret")
    with pytest.raises(ValueError, match="at least 32 characters"):
        keyed_hash("13800138000")


def test_without_env_a_private_key_file_is_created_once(monkeypatch, tmp_path, caplog):
    monkeypatch.delenv("EE_PII_HASH_KEY", raising=False)
    monkeypatch.setenv("EE_DATA_DIR", str(tmp_path / "data"))
    with caplog.at_level("WARNING"):
        first = hash_key()
    path = tmp_path / "data" / ".pii_hash_key"
    assert path.exists() and stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert "created a random per-installation PII hash key" in caplog.text
    assert hash_key() == first and len(first) >= 32
    # another installation (data folder) gets another key, hence other hashes
    monkeypatch.setenv("EE_DATA_DIR", str(tmp_path / "other"))
    assert keyed_hash("13800138000") != keyed_hash("13800138000", key=first)
