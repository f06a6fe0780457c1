"""The loader: idempotent per interval, quarantine with reasons, audit per file."""

from __future__ import annotations

import csv
import io
from datetime import date

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from include.config import settings
from include.ingestion.loader import load_interval, load_source
from tests.ingestion.conftest import DAY, order, write_jsonl
from tests.support import query_warehouse

NEXT_DAY = "2026-09-22"

D0, D1, D2 = date(2026, 9, 21), date(2026, 9, 22), date(2026, 9, 23)


def query(sql: str, params=None):
    return query_warehouse(settings().warehouse, sql, params)


def test_good_rows_load_with_utc_timestamps_and_metadata(landing):
    write_jsonl(landing, "orders", DAY, [order("O1"), order("O2", created_at="2026-09-21T23:30:00")])
    result = load_source("orders", D0, D1, run_id="r1")
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (2, 2, 0)
    rows = query("select order_id, created_at, _dt, _run_id, _line from raw.orders order by order_id")
    # +08:00 and offset-less local time (Asia/Shanghai) both become UTC
    assert [(r[0], r[1].isoformat(), r[2], r[3], r[4]) for r in rows] == [
        ("O1", "2026-09-21T02:00:00", D0, "r1", 1),
        ("O2", "2026-09-21T15:30:00", D0, "r1", 2),
    ]


def test_rerun_replaces_interval_without_duplicates(landing):
    write_jsonl(landing, "orders", DAY, [order("O1"), order("O2"), "{broken"])
    write_jsonl(landing, "orders", "2026-09-22", [order("O3", created_at="2026-09-22T09:00:00+08:00")])
    first = [r.summary() for r in load_interval(D0, D2, sources=["orders"], run_id="a")]
    second = [r.summary() for r in load_interval(D0, D2, sources=["orders"], run_id="b")]
    assert [{k: v for k, v in s.items() if k not in ("run_id", "seconds")} for s in first] == \
        [{k: v for k, v in s.items() if k not in ("run_id", "seconds")} for s in second]
    assert query("select count(*), count(distinct order_id) from raw.orders") == [(3, 3)]
    assert query("select count(*) from raw._quarantine") == [(1,)]
    audit = query("select run_id, file, rows_read, rows_loaded, rows_quarantined, checksum from raw._load_audit "
                  "order by run_id, file")
    assert len(audit) == 4  # the audit keeps history: 2 files x 2 runs
    by_run = {}
    for run_id, *rest in audit:
        by_run.setdefault(run_id, []).append(tuple(rest))
    assert by_run["a"] == by_run["b"]  # same counts and checksums


def test_rerun_of_one_day_leaves_other_days_alone(landing):
    write_jsonl(landing, "orders", DAY, [order("O1")])
    write_jsonl(landing, "orders", "2026-09-22", [order("O2", created_at="2026-09-22T09:00:00+08:00")])
    load_source("orders", D0, D2)
    write_jsonl(landing, "orders", "2026-09-22", [order("O2b", created_at="2026-09-22T09:00:00+08:00")])
    load_source("orders", D1, D2)
    assert query("select order_id from raw.orders order by 1") == [("O1",), ("O2b",)]


@pytest.mark.parametrize(
    ("line", "reason_part"),
    [
        ("{not json", "invalid JSON"),
        ("[1, 2]", "not a JSON object"),
        (order("X1", quantity="three"), "field 'quantity'"),
        ({k: v for k, v in order("X2").items() if k != "platform_user_id"}, "missing required field 'platform_user_id'"),
        (order("X3", status="shipped"), "field 'status'"),
        (order("X4", quantity=0), "greater than or equal to 1"),
        (order("X5", created_at="yesterday"), "field 'created_at'"),
    ],
)
def test_bad_rows_are_quarantined_with_reason_and_payload(landing, line, reason_part):
    write_jsonl(landing, "orders", DAY, [order("GOOD"), line])
    result = load_source("orders", D0, D1)
    assert (result.rows_loaded, result.rows_quarantined) == (1, 1)
    [(source, file, line_no, reason, payload)] = query(
        "select source, file, line, reason, payload from raw._quarantine")
    assert source == "orders" and file == f"orders/dt={DAY}/part-0000.jsonl" and line_no == 2
    assert reason_part in reason
    assert payload.strip()


def test_duplicate_primary_key_keeps_the_latest_export(landing):
    """The later file (then line) wins, as staging's dedupe macro decides across loads."""
    write_jsonl(landing, "orders", DAY, [order("O1")], name="a.jsonl")
    write_jsonl(landing, "orders", DAY, [order("O1", amount=1.0)], name="b.jsonl")
    result = load_source("orders", D0, D1)
    assert (result.rows_loaded, result.rows_quarantined) == (1, 1)
    [(reason, file, payload)] = query("select reason, file, payload from raw._quarantine")
    assert "duplicate primary key" in reason and file.endswith("a.jsonl") and "b.jsonl:1" in reason
    assert '"amount": 99.0' in payload
    assert query("select amount from raw.orders") == [(1.0,)]
    assert query("select file, rows_loaded, rows_quarantined, status from raw._load_audit order by file") == [
        (f"orders/dt={DAY}/a.jsonl", 0, 1, "quarantined"), (f"orders/dt={DAY}/b.jsonl", 1, 0, "loaded")]


def test_copies_of_a_key_in_different_days_all_load_whatever_the_grouping(landing):
    """Raw depends on the landing zone only, not on which days one load grouped; staging picks one."""
    write_jsonl(landing, "orders", DAY, [order("O1"), order("O2")])
    write_jsonl(landing, "orders", NEXT_DAY, [order("O1", amount=5.0, created_at=f"{NEXT_DAY}T09:00:00+08:00")])
    expected = [("O1", 99.0, D0), ("O1", 5.0, D1), ("O2", 99.0, D0)]
    result = load_source("orders", D0, D2)
    assert result.rows_quarantined == 0
    assert query("select order_id, amount, _dt from raw.orders order by 1, 3") == expected
    load_source("orders", D0, D1)
    load_source("orders", D1, D2)
    assert query("select order_id, amount, _dt from raw.orders order by 1, 3") == expected


def test_the_reason_names_the_final_winner_of_a_key(landing):
    write_jsonl(landing, "orders", DAY, [order("O1", amount=1.0), order("O1", amount=2.0)], name="a.jsonl")
    write_jsonl(landing, "orders", DAY, [order("O1", amount=3.0)], name="b.jsonl")
    load_source("orders", D0, D1)
    assert query("select amount from raw.orders") == [(3.0,)]
    reasons = [r for (r,) in query("select reason from raw._quarantine")]
    assert len(reasons) == 2 and all(f"orders/dt={DAY}/b.jsonl:1" in r for r in reasons)


def test_gbk_export_is_decoded_not_garbled(landing):
    review = {"review_id": "R1", "platform": "taobao", "platform_user_id": "tb_9", "product_id": "P1",
              "stars": 2, "text": "物流太慢了，包装也破了", "created_at": f"{DAY}T12:00:00+08:00"}
    path = write_jsonl(landing, "reviews", DAY, [review], encoding="gbk")
    assert b"\xe7\x89\xa9" not in path.read_bytes()  # really GBK bytes, not UTF-8
    result = load_source("reviews", D0, D1)
    assert result.files[0].encoding == "gb18030"
    assert query("select text from raw.reviews") == [("物流太慢了，包装也破了",)]


def test_gbk_export_is_rejected_when_legacy_encodings_are_off(landing):
    review = {"review_id": "R1", "platform": "taobao", "platform_user_id": "tb_9", "product_id": "P1",
              "stars": 2, "text": "物流太慢了", "created_at": f"{DAY}T12:00:00+08:00"}
    write_jsonl(landing, "reviews", DAY, [review], encoding="gbk")
    result = load_source("reviews", D0, D1, accept_legacy_encodings=False)
    assert result.files[0].status == "quarantined" and result.rows_loaded == 0 and result.rows_quarantined == 1
    [(reason, line, payload)] = query("select reason, line, payload from raw._quarantine")
    assert "gb18030" in reason and "EE_ACCEPT_LEGACY_ENCODINGS" in reason and line == 1
    assert "物流太慢了" in payload  # decoded for the reader of the quarantine, not garbled
    assert query("select count(*) from raw.reviews") == [(0,)]


def test_undecodable_line_in_utf8_file_is_quarantined_and_others_load(landing):
    path = write_jsonl(landing, "orders", DAY, [order("O1"), order("O2", coupon_code="双十一")])
    good = path.read_bytes()
    path.write_bytes(good + b'{"order_id": "\xff\xfe"}\n')  # UTF-8 file (Chinese line) with one broken line
    result = load_source("orders", D0, D1)
    assert (result.rows_loaded, result.rows_quarantined) == (2, 1)
    [(reason, line, payload)] = query("select reason, line, payload from raw._quarantine")
    assert reason == "bytes 0xff 0xfe at line 3 are not valid utf-8" and line == 3
    assert "\\xff\\xfe" in payload


def test_bom_at_file_start_and_inside_fields_is_removed(landing):
    path = write_jsonl(landing, "orders", DAY, [order("O1", platform="\ufefftmall")])
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    result = load_source("orders", D0, D1)
    assert result.rows_loaded == 1
    assert query("select order_id, platform from raw.orders") == [("O1", "tmall")]


def test_csv_and_parquet_exports_load_on_the_same_contract(landing):
    folder = landing / "orders" / f"dt={DAY}"
    folder.mkdir(parents=True)
    rows = [order("C1"), order("C2", promotion_id="PROMO1")]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[1]))
    writer.writeheader()
    writer.writerows(rows)
    (folder / "export.csv").write_text(out.getvalue(), encoding="utf-8")
    pq.write_table(pa.Table.from_pylist([order("Q1")]), folder / "export.parquet")
    result = load_source("orders", D0, D1)
    assert (result.rows_loaded, result.rows_quarantined) == (3, 0)
    assert query("select order_id, promotion_id from raw.orders order by 1") == [
        ("C1", None), ("C2", "PROMO1"), ("Q1", None)]


def test_loaded_plus_quarantined_equals_read_for_every_file(landing):
    write_jsonl(landing, "orders", DAY, [order("O1"), "{x", order("O1"), order("O9", amount=-1)])
    load_source("orders", D0, D1)
    for read, loaded, quarantined in query("select rows_read, rows_loaded, rows_quarantined from raw._load_audit"):
        assert read == loaded + quarantined == 4


def test_unknown_source_and_empty_interval_raise_clear_errors(landing):
    with pytest.raises(ValueError, match="unknown source 'ordrs'"):
        load_source("ordrs", D0, D1)
    with pytest.raises(ValueError, match="empty interval"):
        load_source("orders", D1, D0)


def test_a_missing_landing_folder_replaces_nothing(landing, tmp_path):
    """Loading from a folder that does not exist (a typo) must not empty the interval."""
    write_jsonl(landing, "orders", DAY, [order("O1")])
    load_source("orders", D0, D1, run_id="r1")
    with pytest.raises(FileNotFoundError, match="does not exist; nothing was loaded or replaced"):
        load_source("orders", D0, D1, run_id="r2", landing_dir=tmp_path / "typo")
    assert query("select order_id, _run_id from raw.orders") == [("O1", "r1")]


def test_a_file_arriving_late_in_an_old_partition_is_found_and_loaded(landing):
    from include.ingestion.loader import late_partitions, load_late_partitions

    write_jsonl(landing, "orders", DAY, [order("O1")])
    load_source("orders", D0, D1)
    write_jsonl(landing, "orders", NEXT_DAY, [order("O3", created_at=f"{NEXT_DAY}T09:00:00+08:00")])
    load_source("orders", D1, D2)
    assert late_partitions("orders", D2) == []  # everything on disk was loaded as it is
    write_jsonl(landing, "orders", DAY, [order("O2")], name="late-export.jsonl")  # arrives a day late
    assert late_partitions("orders", D2) == [D0]
    assert late_partitions("orders", D2, lookback_days=0) == []
    [result] = load_late_partitions("orders", D2)
    assert (result.start, result.rows_loaded) == (D0, 2)
    assert query("select order_id from raw.orders order by 1") == [("O1",), ("O2",), ("O3",)]
    assert late_partitions("orders", D2) == []
    # a re-export with different bytes is late too; a removed file is not
    write_jsonl(landing, "orders", DAY, [order("O2", amount=5.0)], name="late-export.jsonl")
    assert late_partitions("orders", D2) == [D0]
    load_late_partitions("orders", D2)
    (landing / "orders" / f"dt={DAY}" / "late-export.jsonl").unlink()
    assert late_partitions("orders", D2) == []


def test_xe_load_late_lookback_loads_late_days_before_the_interval(landing):
    from click.testing import CliRunner

    from include.cli.main import cli

    write_jsonl(landing, "orders", NEXT_DAY, [order("O3", created_at=f"{NEXT_DAY}T09:00:00+08:00")])
    write_jsonl(landing, "orders", DAY, [order("O1")])  # an older day never loaded
    out = CliRunner().invoke(cli, ["load", "--start", NEXT_DAY, "--end", "2026-09-23", "--source", "orders",
                                   "--late-lookback", "7"])
    assert out.exit_code == 0, out.output
    assert f"(late day {DAY})" in out.output
    assert query("select order_id from raw.orders order by 1") == [("O1",), ("O3",)]


def test_xe_load_fails_when_the_quarantined_share_is_above_the_gate(landing):
    from click.testing import CliRunner

    from include.cli.main import cli

    write_jsonl(landing, "orders", DAY, [order("O1"), "{broken", order("O2", amount=-1)])
    args = ["load", "--start", DAY, "--end", NEXT_DAY, "--source", "orders"]
    out = CliRunner().invoke(cli, args)
    assert out.exit_code == 1
    assert "2 of 3 rows (66.67%) were quarantined, above the limit of 5.00%; worst sources: orders (2)" in out.output
    assert query("select order_id from raw.orders") == [("O1",)]  # the good row stays loaded
    assert CliRunner().invoke(cli, [*args, "--max-quarantine-share", "0.9"]).exit_code == 0
