"""Small hand-written landing files for loader tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

DAY = "2026-09-21"


def order(order_id: str, **overrides) -> dict:
    row = {
        "order_id": order_id, "platform": "tmall", "platform_user_id": "tm_001", "product_id": "P001",
        "quantity": 1, "unit_price": 99.0, "amount": 99.0, "status": "paid",
        "created_at": f"{DAY}T10:00:00+08:00",
    }
    row.update(overrides)
    return row


def write_jsonl(landing: Path, source: str, day: str, lines: list, name: str = "part-0000.jsonl",
                encoding: str = "utf-8") -> Path:
    folder = landing / source / f"dt={day}"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    text = "".join((line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)) + "\n" for line in lines)
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture
def landing(ee_env: Path) -> Path:
    path = ee_env / "data" / "landing"
    path.mkdir(parents=True)
    return path
