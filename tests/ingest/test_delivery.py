"""Delivery rules: same bytes twice, corrections, history, idempotence, incremental runs."""

import os
import time
from datetime import date, datetime

import pytest

from dagster_project.contracts import CONTRACTS, CONTRACTS_BY_NAME
from dagster_project.ingest import load_all, load_extract
from dagster_project.ingest.validate import ReferenceNotLoaded

from .ingest_helpers import (
    NOW, STAMP, assert_accounting, csv_text, load, load_log, quarantine, snapshot, valid_rows,
)

INC = f"incidents_{STAMP}.csv"
LATER = datetime(2025, 2, 2, 6, 0, 0)


def harms(con):
    return con.execute("SELECT incident_id, physical_harm, _extract_date, _file_name "
                       "FROM raw.incidents ORDER BY _extract_date, incident_id").fetchall()


def test_same_file_twice_changes_nothing(con, landing, reference_data):
    landing.write_rows("incidents")
    assert load(con, landing, "incidents").files_loaded == 1
    before = snapshot(con)
    again = load(con, landing, "incidents", LATER)
    assert again.files == [] and again.unchanged == [INC]
    assert snapshot(con) == before


def test_same_bytes_under_another_name_is_skipped_as_duplicate(con, landing, reference_data):
    path = landing.write_rows("incidents")
    load(con, landing, "incidents")
    before = snapshot(con)
    landing.write_bytes("incidents", "incidents_20250201.csv", path.read_bytes())
    result = load(con, landing, "incidents", LATER)
    [f] = result.files
    assert (f.file_name, f.status, f.rows_in, f.rows_loaded, f.rows_quarantined) == (
        "incidents_20250201.csv", "skipped_duplicate", 0, 0, 0)
    assert f.message == f"same bytes as {INC}, already loaded"
    after = snapshot(con)
    assert len(after.pop("load_log")) == len(before.pop("load_log")) + 1
    assert after == before
    # and it is recorded once: the next run does not record it again
    assert load(con, landing, "incidents", LATER).files == []


def test_correction_in_the_same_run_wins(con, landing, reference_data):
    landing.write_rows("incidents")
    rows = valid_rows("incidents")
    rows[0]["physical_harm"] = "severe"
    landing.write_rows("incidents", rows, name="incidents_20250131_v2.csv")
    result = load(con, landing, "incidents")
    assert [f.file_name for f in result.files] == ["incidents_20250131_v2.csv"]
    assert result.superseded == [INC]
    assert harms(con)[0] == ("INC001", "severe", date(2025, 1, 31), "incidents_20250131_v2.csv")


def test_correction_in_a_later_run_replaces_rows_and_quarantine(con, landing, reference_data):
    rows = valid_rows("incidents")
    rows[2]["status"] = "bogus"
    landing.write_rows("incidents", rows)
    first = load(con, landing, "incidents")
    assert (first.rows_loaded, first.rows_quarantined) == (2, 1)
    assert quarantine(con) == [(INC, 3, "status", "not_allowed", "bogus")]

    rows = valid_rows("incidents")
    rows[0]["physical_harm"] = "death"
    rows[1]["category"] = "nonsense"
    landing.write_rows("incidents", rows, name="incidents_20250131_v2.csv")
    [f] = load(con, landing, "incidents", LATER).files
    assert (f.status, f.rows_in, f.rows_loaded, f.rows_quarantined) == ("loaded", 3, 2, 1)
    assert f.message == ("loaded 2 of 3 rows; 1 quarantined (not_allowed: 1); "
                         f"replaces {INC}")
    assert harms(con) == [
        ("INC001", "fatal", date(2025, 1, 31), "incidents_20250131_v2.csv"),
        ("INC003", "moderate", date(2025, 1, 31), "incidents_20250131_v2.csv"),
    ]
    assert quarantine(con) == [
        ("incidents_20250131_v2.csv", 2, "category", "not_allowed", "nonsense")]
    assert_accounting(con)


def test_history_of_extract_dates_is_kept(con, landing, reference_data):
    landing.write_rows("incidents")
    load(con, landing, "incidents")
    rows = valid_rows("incidents")
    rows[0]["physical_harm"] = "moderate"  # regraded in the next extract
    landing.write_rows("incidents", rows, name="incidents_20250201.csv")
    load(con, landing, "incidents", LATER)
    assert [r[:3] for r in harms(con) if r[0] == "INC001"] == [
        ("INC001", "low", date(2025, 1, 31)), ("INC001", "moderate", date(2025, 2, 1))]


def test_older_date_correction_after_newer_dates(con, landing, reference_data):
    landing.write_rows("incidents")
    landing.write_rows("incidents", valid_rows("incidents")[1:], name="incidents_20250201.csv")
    load(con, landing, "incidents")
    rows = valid_rows("incidents")[:1]
    landing.write_rows("incidents", rows, name="incidents_20250131_fix.csv")
    load(con, landing, "incidents", LATER)
    counts = con.execute("SELECT _extract_date, _file_name, count(*) FROM raw.incidents "
                         "GROUP BY ALL ORDER BY 1").fetchall()
    assert counts == [(date(2025, 1, 31), "incidents_20250131_fix.csv", 1),
                      (date(2025, 2, 1), "incidents_20250201.csv", 2)]


def test_rerun_over_the_same_landing_folder_is_idempotent(con, landing):
    for contract in CONTRACTS:
        landing.write_rows(contract.name)
    rows = valid_rows("incidents")
    rows[1]["csu_code"] = "NOPE"
    landing.write_rows("incidents", rows, name="incidents_20250201.csv")
    landing.write_text("activity", "activity_20250201.csv", "garbage;file\n")
    load_all(con, landing.dir, NOW, stable_seconds=0)
    before = snapshot(con)
    second = load_all(con, landing.dir, LATER, stable_seconds=0)
    assert all(r.files == [] for r in second.values())
    assert snapshot(con) == before
    assert_accounting(con)


def test_only_new_files_are_read(con, landing, reference_data, monkeypatch):
    landing.write_rows("incidents")
    load(con, landing, "incidents")
    landing.write_rows("incidents", name="incidents_20250201.csv",
                       rows=valid_rows("incidents")[:2])
    read = []
    from dagster_project.ingest import load as load_module

    real = load_module.read_file
    def spy(con, path, *args, **kwargs):
        read.append(path.name)
        return real(con, path, *args, **kwargs)

    monkeypatch.setattr(load_module, "read_file", spy)
    result = load(con, landing, "incidents", LATER)
    assert read == ["incidents_20250201.csv"]
    assert result.unchanged == [INC]


def test_a_fixed_file_under_the_same_name_is_read_again(con, landing, reference_data):
    landing.write_text("incidents", INC, "not;a;csv\n")
    assert load(con, landing, "incidents").files_rejected == 1
    landing.write_rows("incidents")
    result = load(con, landing, "incidents", LATER)
    assert result.files_loaded == 1
    assert [r[:2] for r in load_log(con, "incidents")] == [(INC, "rejected"), (INC, "loaded")]


def test_file_still_being_written_waits(con, landing, reference_data):
    landing.write_rows("incidents")
    old = time.time() - 3600
    os.utime(landing.path("incidents", INC), (old, old))
    landing.write_rows("incidents", name="incidents_20250131_v2.csv")  # mtime: now
    result = load_extract(con, CONTRACTS_BY_NAME["incidents"], landing.dir, NOW,
                          stable_seconds=60)
    # the original must not be loaded while its correction is still arriving
    assert result.files == [] and result.pending == ["incidents_20250131_v2.csv"]
    result = load_extract(con, CONTRACTS_BY_NAME["incidents"], landing.dir, NOW,
                          stable_seconds=0)
    assert [f.file_name for f in result.files] == ["incidents_20250131_v2.csv"]


def test_other_files_are_ignored(con, landing, reference_data):
    landing.write_rows("incidents")
    for name in ("README.txt", "incidents_2025.csv", "incidents_20250231.csv",
                 "incidents_20250131.json", "activity_20250131.csv"):
        landing.write_text("incidents", name, "x\n")
    landing.write_text("incidents", ".incidents_20250201.csv.part", "x\n")
    result = load(con, landing, "incidents")
    assert [f.file_name for f in result.files] == [INC]
    assert sorted(result.ignored) == sorted([
        "README.txt", "activity_20250131.csv", "incidents_2025.csv", "incidents_20250131.json",
        "incidents_20250231.csv"])


def test_parquet_and_xlsx_deliveries(con, landing, reference_data):
    import openpyxl
    import polars as pl

    contract = CONTRACTS_BY_NAME["waste_savings"]
    rows = valid_rows("waste_savings")
    df = pl.DataFrame(rows, schema={c: (pl.Float64 if c.endswith("gbp") else pl.String)
                                    for c in contract.column_names})
    df.write_parquet(landing.path("waste_savings", "waste_savings_20250131.parquet"))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([c.upper() for c in contract.column_names])
    ws.append(["WS001", "2025-02", 100, 50.5, None])
    ws.append([None] * 5)
    ws.append(["WS002", "2025-02", 10, '=HYPERLINK("http://evil","x")', 0])
    wb.save(landing.path("waste_savings", "waste_savings_20250228.xlsx"))
    result = load(con, landing, "waste_savings", datetime(2025, 3, 1, 6))  # after its date
    assert [(f.file_name, f.status, f.rows_in, f.rows_loaded, f.rows_quarantined)
            for f in result.files] == [
        ("waste_savings_20250131.parquet", "loaded", 2, 2, 0),
        ("waste_savings_20250228.xlsx", "loaded", 2, 1, 1),
    ]
    assert quarantine(con) == [
        ("waste_savings_20250228.xlsx", 3, "actual_gbp", "invalid_decimal",
         '=HYPERLINK("http://evil","x")')]
    assert con.execute("SELECT scheme_id, month, plan_gbp, actual_gbp FROM raw.waste_savings "
                       "ORDER BY _extract_date, _row_number").fetchall() == [
        ("WS001", "2025-01", 10000.0, 8000.0), ("WS002", "2025-01", 5000.0, -1000.0),
        ("WS001", "2025-02", 100.0, 50.5)]


def test_a_missing_reference_table_is_a_load_order_error(con, landing):
    landing.write_rows("incidents")
    with pytest.raises(ReferenceNotLoaded, match="materialise raw/org_structure first"):
        load(con, landing, "incidents")
    assert con.execute("SELECT count(*) FROM raw.load_log").fetchone()[0] == 0


def test_missing_landing_folder_is_no_files(con, landing):
    result = load(con, landing, "org_structure")
    assert result.files == [] and result.ignored == []
    assert con.execute("SELECT count(*) FROM raw.org_structure").fetchone()[0] == 0


def test_csv_text_helper_quotes_like_a_real_export():
    assert csv_text([{"a": "x,y", "b": None}]) == 'a,b\n"x,y",\n'


def test_command_line_summary(tmp_path, landing, monkeypatch, capsys):
    from dagster_project.ingest.__main__ import main

    landing.write_rows("org_structure")
    landing.write_text("incidents", INC, "")
    monkeypatch.setenv("LANDING_DIR", str(landing.dir))
    monkeypatch.setenv("WAREHOUSE_PATH", str(tmp_path / "cli" / "w.duckdb"))
    main()
    out = capsys.readouterr().out
    assert "org_structure: 1 loaded, 0 rejected" in out
    assert f"  {INC}: rejected: {INC} rejected: empty file (0 bytes)" in out
