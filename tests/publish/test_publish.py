"""publish(): gated, atomic for DuckDB and Parquet together."""

import json
import os

import dagster as dg
import duckdb
import pytest
from .publish_fixtures import TABLES, InjectedCrash, build_marts, record, snapshot

from dagster_project.publish.publish import (
    CURRENT, STAGING_PREFIX, VERSIONS_DIR, current_version, publish, reconcile)


def rows_in_parquet(path) -> int:
    return duckdb.connect().execute(f"select count(*) from '{path}'").fetchone()[0]


def test_publishes_every_table_to_duckdb_and_parquet(wh, tmp_path):
    out = tmp_path / "published"
    record(wh, "r1", "ERROR", True)
    result = publish(wh, out, "r1", TABLES)
    assert result.tables == {"scorecard_monthly": 36, "dim_csu": 2, "spc_summary": 6,
                             "check_summary": 1}
    assert wh.execute("select count(*) from published.scorecard_monthly").fetchone()[0] == 36
    assert rows_in_parquet(out / "scorecard_monthly" / "data.parquet") == 36
    assert os.readlink(out / CURRENT) == f"{VERSIONS_DIR}/{result.version}"
    assert os.readlink(out / "dim_csu") == f"{CURRENT}/dim_csu"
    manifest = json.loads((out / CURRENT / "_publication.json").read_text())
    assert manifest["run_id"] == "r1" and manifest["tables"]["dim_csu"]["rows"] == 2


def test_blocking_failure_refuses_and_leaves_publication_byte_identical(wh, tmp_path):
    out = tmp_path / "published"
    publish(wh, out, "r1", TABLES)
    before = snapshot(out, wh)
    build_marts(wh, q02_c1_june=5.0)  # bad data in the candidates
    record(wh, "r2", "ERROR", False)
    with pytest.raises(dg.Failure) as failure:
        publish(wh, out, "r2", TABLES)
    assert "proportion_within_0_1" in failure.value.description
    assert "marts/fct_scorecard_monthly" in failure.value.description
    assert snapshot(out, wh) == before


def test_warning_only_failure_publishes_and_records_the_warning(wh, tmp_path):
    out = tmp_path / "published"
    record(wh, "r1", "WARN", False, "savings_vs_plan_plausible")
    publish(wh, out, "r1", TABLES)
    status = wh.execute("select status, checks_failed, blocking_failed "
                        "from published.check_summary").fetchall()
    assert status == [("warn", 1, 0)]
    assert rows_in_parquet(out / "check_summary" / "data.parquet") == 1


@pytest.mark.parametrize("crash_after", [1, 3, len(TABLES) + 2], ids=["parquet-first",
                                                                      "parquet-mid", "duckdb-mid"])
def test_crash_mid_publication_leaves_previous_publication_intact(wh, tmp_path, crash_after,
                                                                 inject_crash):
    out = tmp_path / "published"
    publish(wh, out, "r1", TABLES)
    before = snapshot(out, wh)
    build_marts(wh, c01_june=1.1)  # a new, valid publication
    inject_crash(crash_after)
    with pytest.raises(InjectedCrash):
        publish(wh, out, "r2", TABLES)
    assert snapshot(out, wh) == before
    assert not list((out / VERSIONS_DIR).glob(f"{STAGING_PREFIX}*"))
    # re-running without the crash publishes
    publish(wh, out, "r3", TABLES)
    assert snapshot(out, wh) != before


def test_crash_between_commit_and_switch_is_reconciled(wh, tmp_path, inject_crash):
    out = tmp_path / "published"
    first = publish(wh, out, "r1", TABLES)
    build_marts(wh, c01_june=1.1)
    inject_crash("switch")
    with pytest.raises(InjectedCrash):
        publish(wh, out, "r2", TABLES)
    assert current_version(out) == first.version  # Parquet still the old publication
    switched = reconcile(out, wh)  # DuckDB committed r2: the pointer follows it
    assert switched and switched.endswith("_r2") and current_version(out) == switched
    assert rows_in_parquet(out / "scorecard_monthly" / "data.parquet") == 36


def test_rerun_after_fixing_the_data_publishes(wh, tmp_path):
    out = tmp_path / "published"
    publish(wh, out, "r1", TABLES)
    build_marts(wh, q02_c1_june=5.0)
    record(wh, "r2", "ERROR", False)
    with pytest.raises(dg.Failure):
        publish(wh, out, "r2", TABLES)
    build_marts(wh, q02_c1_june=0.07)
    record(wh, "r3", "ERROR", True)
    result = publish(wh, out, "r3", TABLES)
    assert result.run_id == "r3"
    got = duckdb.connect().execute(
        f"select max(value) from '{out / 'scorecard_monthly' / 'data.parquet'}' "
        "where measure_id = 'Q02'").fetchone()[0]
    assert got == pytest.approx(0.07)


def test_keeps_the_last_versions_and_drops_tables_no_longer_published(wh, tmp_path):
    out = tmp_path / "published"
    for i in range(5):
        publish(wh, out, f"r{i}", TABLES, keep_versions=3)
    assert len([p for p in (out / VERSIONS_DIR).iterdir()]) == 3
    publish(wh, out, "r9", TABLES[:2])
    assert not (out / "spc_summary").exists()
    names = {r[0] for r in wh.execute("select table_name from information_schema.tables "
                                      "where table_schema = 'published'").fetchall()}
    assert names == {"scorecard_monthly", "dim_csu"}
