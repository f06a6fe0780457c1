"""`xe eval pii` on the project's labelled sample (tests/privacy/data/pii_sample.csv) and on bad input."""

from __future__ import annotations

import json
import runpy
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from include.cli.main import cli

SAMPLE = Path(__file__).parent / "data" / "pii_sample.csv"


def _run(*args: str):
    result = CliRunner().invoke(cli, ["eval", "pii", *args])
    return result, (json.loads(result.stdout.strip().splitlines()[-1]) if result.exit_code == 0 else None)


def test_sample_is_large_mixed_and_reproducible(tmp_path):
    frame = pd.read_csv(SAMPLE)
    assert len(frame) >= 300
    assert set(frame["split"]) == {"tune", "report"}
    assert frame["source"].str.startswith("real:").sum() >= 50
    assert frame["text"].str.contains(r"[\u4e00-\u9fff]").sum() >= 150
    assert (~frame["text"].str.contains(r"[\u4e00-\u9fff]")).sum() >= 100
    kinds = {k for cell in frame["kinds"] for k in json.loads(cell)}
    assert kinds == {"phone", "email", "id_card", "bank_card", "address", "name"}
    # the generator rebuilds the same file
    from include.config import settings

    build = runpy.run_path(str(Path(__file__).parent / "make_pii_sample.py"))["build"]
    build(settings().shared_data, tmp_path / "again.csv")
    assert (tmp_path / "again.csv").read_bytes() == SAMPLE.read_bytes()


@pytest.mark.parametrize("split", ["report", "tune"])
def test_targets_on_each_half(split):
    result, out = _run("--input", str(SAMPLE), "--split", split, "--json")
    assert result.exit_code == 0, result.output
    assert out["recall"] >= 0.95 and out["precision"] >= 0.9
    assert out["split"] == split and out["n"] >= 150
    for kind, figures in out["per_kind"].items():
        assert figures["n_pii"] > 0, kind
        assert figures["recall"] >= 0.85 and figures["precision"] >= 0.9, (kind, figures)


def test_a_redacted_keep_value_counts_against_precision(tmp_path):
    path = tmp_path / "labels.csv"
    pd.DataFrame({"text": ["电话13812345678", "订单号13912345678"],
                  "pii": ['["13812345678"]', "[]"],
                  "keep": ["[]", '["订单号13912345678"]']}).to_csv(path, index=False)
    _, out = _run("--input", str(path), "--json")
    assert out["recall"] == 1.0 and out["precision"] == 1.0 and out["keep_redacted"] == 0
    # the same number without its order cue is (rightly) a phone number: now the keep is redacted
    pd.DataFrame({"text": ["电话13812345678", "号码13912345678"], "pii": ['["13812345678"]', "[]"],
                  "keep": ["[]", '["13912345678"]']}).to_csv(path, index=False)
    _, out = _run("--input", str(path), "--json")
    assert out["precision"] == 0.5 and out["keep_redacted"] == 1


@pytest.mark.parametrize(("content", "message"), [
    (None, "no such file"),
    ("text,label\nx,y\n", "missing column(s) pii"),
    ('text,pii\nabc,"[not json"\n', "not JSON"),
    ('text,pii\nabc,"""x"""\n', "expected a JSON list"),
    ('text,pii\nabc,"[""zzz""]"\n', "is not a substring"),
    ('text,pii,kinds\nabc,"[""a""]","[""passport""]"\n', "unknown kind"),
])
def test_bad_input_is_a_clear_error(tmp_path, content, message):
    path = tmp_path / "in.csv"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result, _ = _run("--input", str(path))
    assert result.exit_code == 2
    assert message in result.output
