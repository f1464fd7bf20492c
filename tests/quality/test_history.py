"""quality.check_results and its views; dbt and contract results."""

import json
from datetime import datetime

from dagster_project.quality.history import (
    CheckRecord, append_results, contract_records, dbt_records, ensure_history,
    failed_blocking_results, record_dbt_results)


def rec(run, asset, name, severity, passed, at, source="gx"):
    return CheckRecord(run, asset, name, source, severity, passed, "x", 0 if passed else 3, at)


def test_summary_gives_latest_status_per_asset_and_pass_rates(con):
    d1, d2 = datetime(2025, 7, 1, 2), datetime(2025, 7, 2, 2)
    append_results(con, [
        rec("r1", "marts/a", "c1", "ERROR", False, d1), rec("r1", "marts/a", "c2", "WARN", True, d1),
        rec("r1", "marts/b", "c1", "ERROR", True, d1),
        rec("r2", "marts/a", "c1", "ERROR", True, d2), rec("r2", "marts/a", "c2", "WARN", False, d2),
        rec("r2", "marts/b", "c1", "ERROR", False, d2),
        rec("r2", "raw/x", "file_accepted:x.csv", "WARN", True, d2, "contract"),
    ])
    rows = {r[0]: r[1:] for r in con.execute(
        "select asset_key, status, checks, checks_failed, blocking_failed, pass_rate_30d "
        "from quality.check_summary").fetchall()}
    assert rows["marts/a"] == ("warn", 2, 1, 0, 0.5)
    assert rows["marts/b"] == ("fail", 1, 1, 1, 0.5)
    assert rows["raw/x"] == ("pass", 1, 0, 0, 1.0)
    daily = con.execute("select day, checks, passed, pass_rate from quality.check_pass_rate_daily "
                        "order by day").fetchall()
    assert [(c, p) for _, c, p, _ in daily] == [(3, 2), (4, 2)]
    assert failed_blocking_results(con, "r2") == [("marts/b", "c1", "gx", "x")]


def test_dbt_results_become_history_rows(con, tmp_path):
    manifest = {"nodes": {
        "model.p.fct_x": {"schema": "marts", "name": "fct_x", "resource_type": "model"},
        "test.p.not_null_fct_x_id.1": {"name": "not_null_fct_x_id", "attached_node": "model.p.fct_x",
                                       "config": {"severity": "error"}},
        "test.p.accepted_fct_x_kind.2": {"name": "accepted_fct_x_kind",
                                         "depends_on": {"nodes": ["model.p.fct_x"]},
                                         "config": {"severity": "warn"}}},
        "sources": {}}
    run_results = {"metadata": {"generated_at": "2025-07-01T02:00:00Z"}, "results": [
        {"unique_id": "model.p.fct_x", "status": "success"},
        {"unique_id": "test.p.not_null_fct_x_id.1", "status": "fail", "failures": 4,
         "message": "Got 4 results, configured to fail if != 0"},
        {"unique_id": "test.p.accepted_fct_x_kind.2", "status": "warn", "failures": 1}]}
    recs = dbt_records(run_results, manifest, "r1")
    assert [(r.asset_key, r.check_name, r.severity, r.passed, r.failing_count) for r in recs] == [
        ("marts/fct_x", "not_null_fct_x_id", "ERROR", False, 4),
        ("marts/fct_x", "accepted_fct_x_kind", "WARN", False, 1)]
    (tmp_path / "run_results.json").write_text(json.dumps(run_results))
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    assert record_dbt_results(con, tmp_path / "run_results.json", "r1") == 2
    assert con.execute("select count(*) from quality.check_results where check_source = 'dbt'"
                       ).fetchone()[0] == 2


def test_contract_results_for_files_loaded_in_this_run(con):
    ensure_history(con)
    con.execute("create schema raw")
    con.execute("""create table raw.load_log (extract varchar, file_name varchar,
        content_hash varchar, rows_in bigint, rows_loaded bigint, rows_quarantined bigint,
        status varchar, message varchar, loaded_at timestamp, extract_date date)""")
    con.execute("""create table raw.quarantine (extract varchar, file_name varchar,
        row_number bigint, column_name varchar, rule varchar, value varchar, loaded_at timestamp)""")
    con.execute("""insert into raw.load_log values
        ('fft_responses', 'fft_20250101.csv', 'h0', 10, 10, 0, 'loaded', '', '2025-06-01 02:00', null),
        ('fft_responses', 'fft_20250701.csv', 'h1', 10, 8, 2, 'loaded', '', '2025-07-01 02:00', null),
        ('incidents', 'incidents_20250701.csv', 'h2', 0, 0, 0, 'rejected',
         'incidents_20250701.csv: missing required column incident_id', '2025-07-01 02:00', null),
        ('incidents', 'incidents_20250701b.csv', 'h1', 0, 0, 0, 'skipped_duplicate', '',
         '2025-07-01 02:00', null)""")
    con.execute("""insert into raw.quarantine values
        ('fft_responses', 'fft_20250701.csv', 3, 'total_responses', 'total_is_sum_of_answers', '12', now()),
        ('fft_responses', 'fft_20250701.csv', 7, 'setting', 'allowed', 'ward', now())""")
    recs = contract_records(con, "r1", since=datetime(2025, 7, 1))
    got = [(r.asset_key, r.check_name, r.severity, r.passed, r.failing_count) for r in recs]
    assert got == [
        ("raw/fft_responses", "file_accepted:fft_20250701.csv", "WARN", True, 0),
        ("raw/fft_responses", "rows_quarantined:fft_20250701.csv", "WARN", False, 2),
        ("raw/incidents", "file_accepted:incidents_20250701.csv", "WARN", False, 0)]
    assert "total_responses total_is_sum_of_answers x1 (first at row 3)" in recs[1].observed_value
    # the offending values stay in raw.quarantine: check messages never copy row content
    assert "'12'" not in recs[1].observed_value and "ward" not in recs[1].observed_value
    assert "missing required column" in recs[2].observed_value
