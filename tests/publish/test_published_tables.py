"""What is published is declared (publish/tables.py), not found by scanning schemas, and every
published table is a dbt model under models/published/ or a table an SPC/impact asset writes;
`data_quality` is the dbt model pub_data_quality, built from raw.load_log by dbt."""

import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from .publish_fixtures import handmade_tables

from dagster_project.contracts import CONTRACTS
from dagster_project.ingest.load import ensure_tables
from dagster_project.publish.assets import publication_tables, published_asset_keys
from dagster_project.publish.disclosure import REGISTRY
from dagster_project.publish.tables import published_tables
from dagster_project.quality.history import ensure_history
from dagster_project.settings import DBT_PROJECT_DIR
from dagster_project.spc.tables import PUBLISHED_SPC_TABLES
from dagster_project.transform.keys import dbt_asset_key, dbt_models_in, dbt_relation


def test_every_published_table_is_declared_once_and_classified_by_the_disclosure_registry():
    names = [t.name for t in published_tables()]
    assert len(names) == len(set(names))
    assert set(names) == set(REGISTRY)


def test_dbt_published_tables_are_the_models_under_models_published():
    dbt = {t.name: t for t in published_tables() if t.source.startswith("publish_candidate.")}
    models = dbt_models_in("published")
    assert "pub_data_quality" in models
    assert {dbt_relation(m) for m in models} == {t.source for t in dbt.values()}
    assert dbt["data_quality"].asset_key == dbt_asset_key("pub_data_quality")
    assert set(PUBLISHED_SPC_TABLES) <= {t.name for t in published_tables()}
    # the publish asset waits for every asset behind a published table
    assert {t.asset_key for t in published_tables() if t.asset_key} <= set(published_asset_keys())


def test_a_table_in_a_published_schema_is_not_published_unless_declared(wh):
    ensure_history(wh)  # quality.check_summary
    wh.execute("create table spc.scratch as select 1 as x")
    assert ("spc.scratch", "scratch") not in publication_tables(wh, handmade_tables())


def test_a_declared_table_that_is_missing_refuses_the_publication_naming_it(wh):
    ensure_history(wh)
    with pytest.raises(dg.Failure) as failure:
        publication_tables(wh, handmade_tables(("publish_candidate.data_quality", "data_quality")))
    assert "publish_candidate.data_quality missing" in failure.value.description


def _dbt_run(warehouse: Path, target: Path) -> None:
    dbt = Path(sys.executable).parent / "dbt"
    subprocess.run(
        [str(dbt), "run", "--quiet", "--select", "pub_data_quality", "--profiles-dir", ".",
         "--project-dir", ".", "--target-path", str(target), "--log-path", str(target)],
        cwd=DBT_PROJECT_DIR, check=True,
        env={**os.environ, "WAREHOUSE_PATH": str(warehouse)})


def test_data_quality_model_counts_each_extracts_files_and_rows(tmp_path):
    warehouse = tmp_path / "wh.duckdb"
    con = duckdb.connect(str(warehouse))
    ensure_tables(con)
    at = datetime(2025, 7, 1, 2, 0)
    log = [  # extract, file, status, rows_loaded, rows_quarantined, extract_date, loaded_at
        ("incidents", "a.csv", "loaded", 10, 2, date(2025, 6, 30), at),
        ("incidents", "b.csv", "loaded", 5, 0, date(2025, 7, 1), datetime(2025, 7, 2, 2, 0)),
        ("incidents", "c.csv", "rejected", 0, 0, date(2025, 7, 2), datetime(2025, 7, 3, 2, 0)),
        ("incidents", "d.csv", "skipped_duplicate", 0, 0, date(2025, 7, 1), at),
        ("activity", "e.csv", "rejected", 0, 0, date(2025, 6, 30), at),
    ]
    con.executemany(
        "insert into raw.load_log (extract, file_name, content_hash, rows_in, rows_loaded, "
        "rows_quarantined, status, message, loaded_at, extract_date) "
        "values (?, ?, 'h', ?, ?, ?, ?, null, ?, ?)",
        [(e, f, r + q, r, q, s, t, d) for e, f, s, r, q, d, t in log])
    con.close()
    _dbt_run(warehouse, tmp_path / "target")
    con = duckdb.connect(str(warehouse), read_only=True)
    rows = {r[0]: r[1:] for r in con.execute(
        "select * from publish_candidate.data_quality").fetchall()}
    assert list(rows) == sorted(c.name for c in CONTRACTS)  # every extract, in name order
    assert rows["incidents"] == ("incident", 2, 1, 15, 2, date(2025, 7, 1),
                                 datetime(2025, 7, 2, 2, 0))
    assert rows["activity"] == ("reference", 0, 1, 0, 0, None, None)
    assert rows["workforce"] == ("reference", 0, 0, 0, 0, None, None)
    assert [d[1] for d in con.execute("describe publish_candidate.data_quality").fetchall()] == [
        "VARCHAR", "VARCHAR", "BIGINT", "BIGINT", "BIGINT", "BIGINT", "DATE", "TIMESTAMP"]
