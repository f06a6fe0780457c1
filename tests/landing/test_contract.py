"""The landing contract: one declaration drives validation, DDL and docs."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from pydantic import ValidationError

from include.cli import main
from include.landing.contract import SOURCES, columns, contract_markdown, raw_table_ddl, required_fields

DOCS = Path(__file__).resolve().parents[2] / "docs" / "landing_contract.md"


def test_every_source_declares_primary_key_event_time_and_description():
    for source, model in SOURCES.items():
        assert model.primary_key and set(model.primary_key) <= set(model.model_fields), source
        assert model.event_time in model.model_fields, source
        assert model.description, source
        assert set(required_fields(source)) >= set(model.primary_key), source


def test_ddl_types_follow_the_models():
    assert columns("orders")["quantity"] == "BIGINT"
    assert columns("orders")["created_at"] == "TIMESTAMP"
    assert columns("cs_sessions")["is_resolved"] == "BOOLEAN"
    assert columns("products")["launched_on"] == "DATE"
    assert "_loaded_at TIMESTAMP" in raw_table_ddl("orders")


def test_timestamps_become_utc_and_naive_ones_are_local_time(monkeypatch):
    order = SOURCES["orders"]
    base = {"order_id": "o", "platform": "tmall", "platform_user_id": "u", "product_id": "p", "quantity": 1,
            "unit_price": 1, "amount": 1, "status": "paid"}
    assert order.model_validate({**base, "created_at": "2026-09-21T08:00:00+08:00"}).created_at == datetime(2026, 9, 21)
    assert order.model_validate({**base, "created_at": "2026-09-21T08:00:00"}).created_at == datetime(2026, 9, 21)
    monkeypatch.setenv("EE_TIMEZONE", "UTC")
    assert order.model_validate({**base, "created_at": "2026-09-21T08:00:00"}).created_at == datetime(2026, 9, 21, 8)


def test_text_fields_lose_stray_boms_and_empty_messages_are_rejected():
    message = SOURCES["cs_messages"]
    row = {"message_id": "m", "session_id": "s", "sender_role": "customer", "sent_at": "2026-09-21T08:00:00"}
    assert message.model_validate({**row, "text": "\ufeff快递到哪了 "}).text == "快递到哪了"
    with pytest.raises(ValidationError):
        message.model_validate({**row, "text": " \ufeff "})


def test_committed_contract_docs_match_the_code():
    assert DOCS.read_text().strip() == contract_markdown().strip(), (
        "docs/landing_contract.md is stale: run `make docs` (xe contract --docs)")


def test_cli_help_and_listing(capsys):
    assert main(["contract", "--help"]) == 0
    assert main(["contract"]) == 0
    assert "social_mentions" in capsys.readouterr().out
