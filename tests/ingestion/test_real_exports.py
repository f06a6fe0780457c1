"""Exports shaped like the real ones people report trouble with (issue 13, kinds 2 and 3).

Each test rebuilds one of the shared failing cases (../shared/cases/ingestion-and-voice,
never copied here) or another input of the same kind, and asserts the right behaviour:
only a bad record is quarantined, with its line and a reason a person understands; the
other records load; nothing outside the accepted formats or window reaches raw.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from include.config import settings
from include.ingestion.loader import load_source
from include.ingestion.report import check_quarantine_share
from tests.ingestion.conftest import order, write_jsonl
from tests.support import query_warehouse

NPS_HEADER = "response_id,platform,platform_user_id,order_id,product_id,score,verbatim,submitted_at\r\n"


def query(sql: str, params=None):
    return query_warehouse(settings().warehouse, sql, params)


def write_bytes(landing: Path, source: str, day: str, name: str, data: bytes) -> Path:
    folder = landing / source / f"dt={day}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)
    return folder / name


def nps_rows(prefix: str, n: int, verbatims: list[str]) -> str:
    return "".join(f'{prefix}{i:03d},app,u{i},,,{i % 11},"{verbatims[i % len(verbatims)]}",'
                   f"2024-11-11T{10 + i % 10}:00:00+08:00\r\n" for i in range(n))


# -- case 02: one cp1252 byte in a UTF-8 CSV ---------------------------------------------------

def test_stray_cp1252_byte_quarantines_only_its_record_and_the_gate_counts_rows(landing):
    day = date(2024, 11, 11)
    body = nps_rows("N", 12, ["Fast delivery, will buy again", "送货很快，下次还买", "客服回复太慢了"])
    data = (NPS_HEADER + body).encode("utf-8").replace(b"N002,app,u2,,,2,\"\xe5\xae\xa2",
                                                      b"N002,app,u2,,,2,\"The coupon didn\x92t work \xe5\xae\xa2")
    assert b"\x92" in data
    write_bytes(landing, "nps_responses", "2024-11-11", "nps_export.csv", data)
    write_bytes(landing, "nps_responses", "2024-11-11", "nps_export_web.csv",
                (NPS_HEADER + nps_rows("W", 30, ["ok overall", "还可以"])).encode("utf-8"))
    result = load_source("nps_responses", day, date(2024, 11, 12))
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (42, 41, 1)
    [(file, line, reason, payload)] = query("select file, line, reason, payload from raw._quarantine")
    assert file.endswith("nps_export.csv") and line == 4
    assert reason == "byte 0x92 at line 4 is not valid utf-8"
    assert "didn\\x92t" in payload
    audit = dict(query("select file, encoding from raw._load_audit"))
    assert set(audit.values()) == {"utf-8"}
    # 1 of 42 rows: under a 5 % gate; the same gate fails when the rows of the day did not load
    summary = result.summary()
    assert check_quarantine_share([summary], 0.05)["rows_quarantined"] == 1
    with pytest.raises(ValueError, match="1 of 42 rows"):
        check_quarantine_share([summary], 0.01)


def test_gbk_export_with_one_truncated_character_loads_the_other_records(landing):
    lines = [f'R{i},tmall,u{i},,P1,{1 + i % 5},"商品质量很好，物流也快，第{i}次购买",2024-11-11 10:{i:02d}:00\r\n'
             for i in range(8)]
    data = "review_id,platform,platform_user_id,order_id,product_id,stars,text,created_at\r\n".encode("gbk")
    for i, line in enumerate(lines):
        raw = line.encode("gbk")
        if i == 5:  # cut the last double-byte character of the text in half
            cut = "购买".encode("gbk")
            raw = raw.replace(cut, cut[:-1])
        data += raw
    write_bytes(landing, "reviews", "2024-11-11", "export_gbk.csv", data)
    result = load_source("reviews", date(2024, 11, 11), date(2024, 11, 12))
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (8, 7, 1)
    assert result.files[0].encoding == "gb18030"
    [(line, reason)] = query("select line, reason from raw._quarantine")
    assert line == 7 and "not valid gb18030" in reason
    assert query("select text from raw.reviews where review_id = 'R4'") == [("商品质量很好，物流也快，第4次购买",)]


# -- case 03: quoted multi-line cells, Excel style ------------------------------------------------

def _chat_csv(messages: list[tuple[str, str]], day: str) -> str:
    rows = "".join(f'{mid},S1,customer,"{text}",{day} 10:{i:02d}:00\r\n' for i, (mid, text) in enumerate(messages))
    return "message_id,session_id,sender_role,text,sent_at\r\n" + rows


def test_quoted_newlines_stay_one_record_even_after_a_bad_byte(landing):
    messages = [("M1", "hello"), ("M2", "bad \x00byte here"), ("M3", "line one\nline two\nline three"),
                ("M4", "第一行\n第二行\n第三行"), ("M5", "bye")]
    data = _chat_csv(messages, "2024-11-12").encode("utf-8").replace(b"\x00", b"\xff")
    write_bytes(landing, "cs_messages", "2024-11-12", "chat_export.csv", data)
    result = load_source("cs_messages", date(2024, 11, 12), date(2024, 11, 13))
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (5, 4, 1)
    [(line, reason)] = query("select line, reason from raw._quarantine")
    assert line == 3 and reason == "byte 0xff at line 3 is not valid utf-8"
    texts = dict(query("select message_id, text from raw.cs_messages"))
    assert texts["M3"] == "line one\nline two\nline three" and texts["M4"] == "第一行\n第二行\n第三行"
    assert query("select message_id, _line from raw.cs_messages order by _line") == [
        ("M1", 2), ("M3", 6), ("M4", 9), ("M5", 10)]


def test_a_bad_byte_inside_a_multiline_cell_names_the_lines_of_the_record(landing):
    data = _chat_csv([("M1", "ok"), ("M2", "first\nsecond \x00\nthird")], "2024-11-12").encode().replace(b"\x00", b"\x92")
    write_bytes(landing, "cs_messages", "2024-11-12", "chat.csv", data)
    load_source("cs_messages", date(2024, 11, 12), date(2024, 11, 13))
    [(line, reason)] = query("select line, reason from raw._quarantine")
    assert line == 5 and reason == "byte 0x92 at lines 3-5 is not valid utf-8"


# -- case 04 and kind 3: strict values --------------------------------------------------------------

@pytest.mark.parametrize("value", ["20241111", "20241111103000", "45607.4375", "0", "2024/11/11 10:30",
                                   "11/11/2024 10:30", "1731292200", "2024-11-11", "Nov 11 2024"])
def test_timestamps_not_in_iso_8601_are_quarantined_with_the_accepted_formats(landing, value):
    folder = landing / "reviews" / "dt=2024-11-11"
    folder.mkdir(parents=True)
    header = "review_id,platform,platform_user_id,order_id,product_id,stars,text,created_at\n"
    (folder / "reviews_excel_export.csv").write_text(
        header + "R1,tmall,u1,,p1,5,物流很快 包装完好,2024-11-11 10:30:00\n" + f"R2,tmall,u2,,p1,4,尺码合适,{value}\n",
        encoding="utf-8")
    result = load_source("reviews", date(2024, 11, 11), date(2024, 11, 12))
    assert (result.rows_loaded, result.rows_quarantined) == (1, 1)
    [(line, reason)] = query("select line, reason from raw._quarantine")
    assert line == 3 and reason.startswith("field 'created_at': not an accepted timestamp; use ISO 8601")
    assert query("select min(created_at) >= '2024-01-01' from raw.reviews") == [(True,)]


@pytest.mark.parametrize("value", [20241111, 45607.4375, 0, 1731292200])
def test_numbers_in_json_timestamp_fields_are_refused(landing, value):
    write_jsonl(landing, "orders", "2024-11-11", [order("O1", created_at=value)])
    load_source("orders", date(2024, 11, 11), date(2024, 11, 12))
    [(reason,)] = query("select reason from raw._quarantine")
    assert "a number is not a timestamp" in reason


@pytest.mark.parametrize("amount", ["Infinity", "inf", "-inf", "NaN", "1e400"])
def test_non_finite_amounts_are_quarantined(landing, amount):
    folder = landing / "orders" / "dt=2026-09-21"
    folder.mkdir(parents=True)
    row = order("O1")
    (folder / "orders.csv").write_text(",".join(row) + "\n" + ",".join(
        str(v) if k != "amount" else amount for k, v in row.items()) + "\n", encoding="utf-8")
    write_jsonl(landing, "orders", "2026-09-21", ['{"order_id": "O2", "platform": "tmall", "platform_user_id": "u", '
                                                  '"product_id": "P", "quantity": 1, "unit_price": 1e400, "amount": 1, '
                                                  '"status": "paid", "created_at": "2026-09-21T10:00:00+08:00"}'])
    result = load_source("orders", date(2026, 9, 21), date(2026, 9, 22))
    assert (result.rows_loaded, result.rows_quarantined) == (0, 2)
    reasons = sorted(r for (r,) in query("select reason from raw._quarantine"))
    assert all("not a finite number" in r for r in reasons), reasons


def test_whitespace_is_handled_the_same_in_every_field(landing):
    row = {k: f"  {v}\t" if isinstance(v, str) else v for k, v in order("O1").items()}
    row.update(quantity=" 2 ", amount=" 198.0 ", status=" paid ", promotion_id="   ")
    write_jsonl(landing, "orders", "2026-09-21", [row, order("O2", platform="  ")])
    result = load_source("orders", date(2026, 9, 21), date(2026, 9, 22))
    assert (result.rows_loaded, result.rows_quarantined) == (1, 1)
    assert query("select order_id, platform, quantity, amount, status, promotion_id from raw.orders") == [
        ("O1", "tmall", 2, 198.0, "paid", None)]
    assert query("select reason from raw._quarantine") == [("missing required field 'platform'",)]


def test_dates_outside_the_configured_window_are_quarantined_at_load(landing, monkeypatch):
    write_jsonl(landing, "orders", "2026-09-21", [
        order("OLD", created_at="1999-12-31T10:00:00+08:00"), order("OK")])
    write_jsonl(landing, "products", "2026-09-21", [
        {"product_id": "P1", "product_name": "a", "category": "c", "launched_on": "1970-01-01", "list_price": 1,
         "updated_at": "2026-09-20T10:00:00"},
        {"product_id": "P2", "product_name": "b", "category": "c", "launched_on": 20240101, "list_price": 1,
         "updated_at": "2026-09-20T10:00:00"}])
    load_source("orders", date(2026, 9, 21), date(2026, 9, 22))
    load_source("products", date(2026, 9, 21), date(2026, 9, 22))
    reasons = dict(query("select source, reason from raw._quarantine where source = 'orders'"))
    assert "1999-12-31 is outside the accepted window [2000-01-01, 2100-01-01)" in reasons["orders"]
    product_reasons = sorted(r for (r,) in query("select reason from raw._quarantine where source = 'products'"))
    assert "1970-01-01 is outside the accepted window" in product_reasons[0]
    assert "not an accepted date; use YYYY-MM-DD" in product_reasons[1]
    monkeypatch.setenv("EE_MIN_DATE", "1990-01-01")
    load_source("orders", date(2026, 9, 21), date(2026, 9, 22))
    assert query("select count(*) from raw.orders") == [(2,)]


def test_an_event_far_after_its_partition_day_is_quarantined(landing):
    write_jsonl(landing, "orders", "2024-11-11", [
        order("LATE", created_at="2611-06-02T10:00:00+08:00"), order("NEXT", created_at="2024-11-12T09:00:00+08:00"),
        order("WEEK", created_at="2024-11-18T09:00:00+08:00")])
    result = load_source("orders", date(2024, 11, 11), date(2024, 11, 12))
    assert result.rows_loaded == 1 and query("select order_id from raw.orders") == [("NEXT",)]
    reasons = dict(query("select payload::json->>'order_id', reason from raw._quarantine"))
    assert "2611-06-02 is outside the accepted window" in reasons["LATE"]
    assert reasons["WEEK"] == ("created_at 2024-11-18 01:00 UTC is after the end of partition dt=2024-11-11 "
                               "(+1 day); the file is in the wrong day folder or the value is wrong")


# -- case 05: local times a daylight-saving change skipped or repeated -----------------------------

def _nyc_chat(landing: Path, day: str, rows: list[tuple[str, str, str]]) -> None:
    body = "".join(f"{mid},S1,customer,{text},{at}\n" for mid, text, at in rows)
    write_bytes(landing, "cs_messages", day, "chat.csv",
                ("message_id,session_id,sender_role,text,sent_at\n" + body).encode())


def test_a_local_time_that_never_existed_is_quarantined(landing, monkeypatch):
    monkeypatch.setenv("EE_TIMEZONE", "America/New_York")
    _nyc_chat(landing, "2026-03-08", [("M1", "where is my parcel", "2026-03-08 01:59:00"),
                                      ("M2", "hello? anyone there", "2026-03-08 02:30:00"),
                                      ("M3", "ok thanks", "2026-03-08 03:01:00")])
    load_source("cs_messages", date(2026, 3, 8), date(2026, 3, 9))
    assert query("select message_id, sent_at from raw.cs_messages order by sent_at") == [
        ("M1", datetime(2026, 3, 8, 6, 59)), ("M3", datetime(2026, 3, 8, 7, 1))]
    [(line, reason)] = query("select line, reason from raw._quarantine")
    assert line == 3 and "local time 2026-03-08 02:30:00 does not exist in America/New_York" in reason


def test_an_ambiguous_local_time_is_refused_or_resolved_as_configured(landing, monkeypatch):
    monkeypatch.setenv("EE_TIMEZONE", "America/New_York")
    rows = [("N1", "my refund is missing", "2026-11-01 00:59:00"), ("N2", "checking now", "2026-11-01 01:45:00"),
            ("N3", "still waiting", "2026-11-01 02:10:00")]
    _nyc_chat(landing, "2026-11-01", rows)
    load_source("cs_messages", date(2026, 11, 1), date(2026, 11, 2))
    assert [m for (m,) in query("select message_id from raw.cs_messages order by 1")] == ["N1", "N3"]
    [(reason,)] = query("select reason from raw._quarantine")
    assert "happened twice in America/New_York" in reason and "EE_AMBIGUOUS_LOCAL_TIME" in reason
    monkeypatch.setenv("EE_AMBIGUOUS_LOCAL_TIME", "later")
    load_source("cs_messages", date(2026, 11, 1), date(2026, 11, 2))
    assert query("select sent_at from raw.cs_messages where message_id = 'N2'") == [(datetime(2026, 11, 1, 6, 45),)]
    monkeypatch.setenv("EE_AMBIGUOUS_LOCAL_TIME", "earlier")
    load_source("cs_messages", date(2026, 11, 1), date(2026, 11, 2))
    assert query("select sent_at from raw.cs_messages where message_id = 'N2'") == [(datetime(2026, 11, 1, 5, 45),)]


# -- files that cannot be read at all ---------------------------------------------------------------

def test_a_corrupt_parquet_and_a_zero_byte_file_do_not_stop_the_rest(landing):
    folder = landing / "orders" / "dt=2026-09-21"
    folder.mkdir(parents=True)
    pq.write_table(pa.Table.from_pylist([order("P1"), order("P2"), order("P3")]), folder / "good.parquet")
    broken = (folder / "good.parquet").read_bytes()
    (folder / "broken.parquet").write_bytes(broken[: len(broken) // 2])
    (folder / "empty.csv").write_bytes(b"")
    write_jsonl(landing, "orders", "2026-09-21", [order("J1")], name="more.jsonl")
    result = load_source("orders", date(2026, 9, 21), date(2026, 9, 22))
    status = {f.file.rsplit("/", 1)[1]: (f.status, f.rows_loaded, f.rows_quarantined) for f in result.files}
    assert status == {"broken.parquet": ("rejected", 0, 1), "empty.csv": ("rejected", 0, 1),
                      "good.parquet": ("loaded", 3, 0), "more.jsonl": ("loaded", 1, 0)}
    rows = query("select file, line, reason from raw._quarantine order by file")
    assert [line for _, line, _ in rows] == [0, 0]
    assert all(reason.startswith("file rejected: ") for _, _, reason in rows)
    assert "0 bytes" in next(reason for file, _, reason in rows if file.endswith("empty.csv"))


def test_a_rejected_file_counts_all_its_rows_for_the_gate(landing):
    folder = landing / "orders" / "dt=2026-09-21"
    folder.mkdir(parents=True)
    (folder / "export.xlsx").write_bytes(b"PK\x03\x04" + b"x" * 100)
    (folder / "bad_header.csv").write_bytes(b"order_id,\xff\xfeplatform\n" + b"O1,tmall\n" * 9)
    result = load_source("orders", date(2026, 9, 21), date(2026, 9, 22))
    counts = {f.file.rsplit("/", 1)[1]: (f.rows_read, f.rows_quarantined, f.status) for f in result.files}
    assert counts["bad_header.csv"] == (9, 9, "rejected")
    assert counts["export.xlsx"][2] == "rejected"
    reasons = sorted(r for (r,) in query("select reason from raw._quarantine"))
    assert "the header has undecodable bytes" in reasons[0] and "unsupported file type '.xlsx'" in reasons[1]


# -- other encodings and values of the same kinds (review findings) --------------------------------

@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "big5hkscs", "cp932"])
def test_wide_and_other_legacy_encodings_decode(landing, codec):
    texts = {"utf-16": "送货很快，下次还买", "utf-16-le": "送货很快，下次还买", "utf-16-be": "送货很快，下次还买",
             "big5hkscs": "冇問題，佢哋送貨好快", "cp932": "とても良い商品でした。また買います"}
    body = NPS_HEADER + "".join(f"N{i},app,u{i},,,{i},{texts[codec]}{i},2024-11-11T10:00:00+08:00\r\n"
                                for i in range(6))
    write_bytes(landing, "nps_responses", "2024-11-11", "export.csv", body.encode(codec))
    result = load_source("nps_responses", date(2024, 11, 11), date(2024, 11, 12))
    assert (result.rows_loaded, result.rows_quarantined) == (6, 0)
    assert result.files[0].encoding == codec
    assert query("select verbatim from raw.nps_responses where response_id = 'N3'") == [(f"{texts[codec]}3",)]


def test_a_gbk_file_with_a_utf8_bom_and_a_character_cut_mid_text(landing):
    rows = [f'R{i},tmall,u{i},,P1,5,"商品质量很好，物流也快，第{i}次购买",2024-11-11 10:{i:02d}:00\n'.encode("gbk")
            for i in range(6)]
    rows[2] = rows[2].replace("物流".encode("gbk"), "物流".encode("gbk")[:3])  # 流 cut in half, mid-text
    data = b"\xef\xbb\xbf" + b"review_id,platform,platform_user_id,order_id,product_id,stars,text,created_at\n"
    write_bytes(landing, "reviews", "2024-11-11", "r.csv", data + b"".join(rows))
    result = load_source("reviews", date(2024, 11, 11), date(2024, 11, 12))
    assert result.files[0].encoding == "gb18030" and (result.rows_loaded, result.rows_quarantined) == (5, 1)


def test_an_integer_too_large_for_bigint_is_quarantined_not_a_crash(landing):
    write_jsonl(landing, "orders", "2026-09-21", [order("BIG", quantity=99999999999999999999), order("OK")])
    result = load_source("orders", date(2026, 9, 21), date(2026, 9, 22))
    assert (result.rows_loaded, result.rows_quarantined) == (1, 1)


def test_parquet_dates_stored_as_midnight_timestamps_load(landing):
    folder = landing / "products" / "dt=2026-09-21"
    folder.mkdir(parents=True)
    pq.write_table(pa.Table.from_pylist([{"product_id": "P1", "product_name": "a", "category": "c",
                                          "launched_on": datetime(2026, 9, 1), "list_price": 1.0,
                                          "updated_at": datetime(2026, 9, 20, 10)}]), folder / "p.parquet")
    result = load_source("products", date(2026, 9, 21), date(2026, 9, 22))
    assert result.rows_loaded == 1 and query("select launched_on from raw.products") == [(date(2026, 9, 1),)]


def test_a_long_cell_and_an_unterminated_quote(landing):
    long_text = "很" * 200_000
    body = ("message_id,session_id,sender_role,text,sent_at\n" + f'M1,S1,customer,"{long_text}",2024-11-12 10:00:00\n'
            + 'M2,S1,customer,"never closed,2024-11-12 10:01:00\nM3,S1,customer,ok,2024-11-12 10:02:00\n')
    write_bytes(landing, "cs_messages", "2024-11-12", "chat.csv", body.encode())
    result = load_source("cs_messages", date(2024, 11, 12), date(2024, 11, 13))
    assert query("select length(text) from raw.cs_messages where message_id = 'M1'") == [(200_000,)]
    assert result.rows_loaded == 2  # M1 and M3: only the line with the open quote is lost to the quarantine
    [(reason,)] = query("select reason from raw._quarantine")
    assert "may never close" in reason or "malformed CSV" in reason


def test_a_bad_setting_fails_the_load_once_not_row_by_row(landing, monkeypatch):
    write_jsonl(landing, "orders", "2026-09-21", [order("O1")])
    monkeypatch.setenv("EE_AMBIGUOUS_LOCAL_TIME", "earliest")
    with pytest.raises(ValueError, match="EE_AMBIGUOUS_LOCAL_TIME"):
        load_source("orders", date(2026, 9, 21), date(2026, 9, 22))
