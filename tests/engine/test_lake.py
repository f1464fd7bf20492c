"""The lake beside the warehouse (engine/lake.py), the Spark-built tables read back as DuckDB
views (engine/marts.py) and the dbt arguments on Spark (engine/dbt.py): real DuckDB, real
ingest, real Parquet; no Spark session (the end-to-end Spark test is tests/spark/)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from dagster_project.engine import land_extract, on_spark
from dagster_project.engine.dbt import spark_build_args
from dagster_project.engine.lake import partition_folder, sync_extract, sync_lake
from dagster_project.engine.marts import attach_spark_tables
from dagster_project.engine.spark import dbt_environment, spark_conf, spark_warehouse_dir, submit_args
from dagster_project.settings import get_settings

from ..ingest.conftest import landing  # noqa: F401 - the ingest tests' fixture (con is shared)
from ..ingest.ingest_helpers import load, valid_rows


def lake_rows(lake: Path, extract: str) -> list[tuple]:
    """The extract's rows as Spark would read them: every partition, the date from the folder."""
    return duckdb.sql(
        f"SELECT * EXCLUDE (_loaded_at) FROM read_parquet('{lake}/raw/{extract}/*/*.parquet', "
        "hive_partitioning = true) ORDER BY ALL").fetchall()


def raw_rows(con, extract: str) -> list[tuple]:
    # the partition column comes back last from the lake
    return con.execute(f"SELECT * EXCLUDE (_loaded_at, _extract_date), _extract_date "
                       f"FROM raw.{extract} ORDER BY ALL").fetchall()


def test_engine_setting_defaults_to_duckdb_and_rejects_unknown_names(monkeypatch):
    monkeypatch.delenv("WAREHOUSE_ENGINE", raising=False)
    assert not on_spark() and get_settings().spark_master == "local[*]"
    monkeypatch.setenv("WAREHOUSE_ENGINE", "Spark")
    assert on_spark()
    monkeypatch.setenv("WAREHOUSE_ENGINE", "postgres")
    with pytest.raises(ValueError, match="WAREHOUSE_ENGINE='postgres'"):
        get_settings()


def test_spark_configuration_is_one_place_for_dbt_and_our_session(monkeypatch, tmp_path):
    monkeypatch.setenv("LAKE_DIR", str(tmp_path / "lake"))
    monkeypatch.delenv("LAKE_URL", raising=False)
    monkeypatch.setenv("SPARK_MASTER", "spark://head:7077")
    conf = spark_conf()
    assert conf["spark.master"] == "spark://head:7077"
    assert conf["spark.sql.warehouse.dir"] == str(tmp_path / "lake" / "spark-warehouse")
    assert "spark.driver.bindAddress" not in conf  # a cluster's driver must be reachable
    args = submit_args(conf)
    assert args.startswith("--master spark://head:7077 ") and args.endswith(" pyspark-shell")
    assert f"spark.sql.warehouse.dir={tmp_path}/lake/spark-warehouse" in args
    # dbt's session draws no console progress bar into the pipe dagster-dbt reads as events
    # (spark-submit turns it on for a pyspark shell; the launcher keeps it off dbt's lines too)
    assert "spark.ui.showConsoleProgress=false" in args
    # the lake's partitions are its folders (the sources register no partitions: the dbt macro)
    assert conf["spark.sql.hive.manageFilesourcePartitions"] == "false"
    assert conf["spark.sql.codegen.wholeStage"] == "true"  # big scans compile by default
    monkeypatch.setenv("SPARK_CODEGEN", "false")  # small data: compiling costs more than running
    assert spark_conf()["spark.sql.codegen.wholeStage"] == "false"
    assert dbt_environment()["SPARK_CODEGEN"] == "false"  # dbt's profile reads it


def test_spark_addresses_the_lake_at_its_url_this_machine_at_its_mount(monkeypatch, tmp_path):
    """A cluster's executors (or a Thrift server) see the lake at a URL, this machine at its
    mount: Spark's tables and dbt's source registration use LAKE_URL, the embedded metastore
    and this machine's reads stay at LAKE_DIR (tests/spark/test_dbt_parity.py builds with a
    file:// URL)."""
    mount = tmp_path / "lake"
    monkeypatch.setenv("LAKE_DIR", str(mount))
    monkeypatch.setenv("LAKE_URL", "abfss://lake@trust.dfs.core.windows.net/nhs/")
    conf = spark_conf()
    url = "abfss://lake@trust.dfs.core.windows.net/nhs"
    assert conf["spark.sql.warehouse.dir"] == f"{url}/spark-warehouse"
    assert f"databaseName={mount}/metastore_db" in conf[
        "spark.hadoop.javax.jdo.option.ConnectionURL"]
    env = dbt_environment()
    assert env["LAKE_URL"] == url and env["LAKE_DIR"] == str(mount)
    assert spark_warehouse_dir() == mount / "spark-warehouse"  # where Python reads the tables


def test_spark_driver_memory_is_spark_default_unless_set(monkeypatch, tmp_path):
    monkeypatch.setenv("LAKE_DIR", str(tmp_path / "lake"))
    monkeypatch.delenv("SPARK_DRIVER_MEMORY", raising=False)
    assert "spark.driver.memory" not in spark_conf()  # Spark's own default (1 GB)
    # a local session's driver is its only executor: national data needs a bigger heap, and
    # dbt's session gets it too (spark-submit sizes the JVM it starts from this --conf)
    monkeypatch.setenv("SPARK_DRIVER_MEMORY", "12g")
    assert spark_conf()["spark.driver.memory"] == "12g"
    assert "spark.driver.memory=12g" in dbt_environment()["PYSPARK_SUBMIT_ARGS"]


def test_loaded_extract_lands_partitioned_by_extract_date(con, landing, tmp_path, monkeypatch):
    lake = tmp_path / "lake"
    monkeypatch.setenv("WAREHOUSE_ENGINE", "spark")
    monkeypatch.setenv("LAKE_DIR", str(lake))
    landing.write_rows("org_structure")
    load(con, landing, "org_structure")
    land_extract(con, "org_structure")
    landing.write_rows("org_structure", valid_rows("org_structure")[:1],
                       name="org_structure_20250228.csv")
    load(con, landing, "org_structure", now=datetime(2025, 3, 1))
    land_extract(con, "org_structure")

    assert sorted(p.name for p in (lake / "raw" / "org_structure").iterdir()) == [
        "_extract_date=2025-01-31", "_extract_date=2025-02-28"]
    assert lake_rows(lake, "org_structure") == raw_rows(con, "org_structure")
    assert len(raw_rows(con, "org_structure")) == 4
    logged = duckdb.sql(f"SELECT count(*) FROM '{lake}/raw/load_log/*.parquet'").fetchall()[0][0]
    assert logged == 2
    assert list((lake / "raw" / "quarantine").glob("*.parquet"))  # beside it, even when empty


def test_correction_rewrites_only_its_own_date_and_a_quiet_sync_writes_nothing(
        con, landing, tmp_path):
    lake = tmp_path / "lake"
    landing.write_rows("org_structure")
    load(con, landing, "org_structure")
    sync_extract(con, lake, "org_structure")
    untouched = partition_folder(lake, "org_structure", "2025-01-31")
    before = {p.name: p.stat().st_mtime_ns for p in untouched.iterdir()}
    assert sync_extract(con, lake, "org_structure") == {}  # in step: nothing rewritten

    # a correction of the same date (a later name wins), with one row broken: quarantined
    rows = valid_rows("org_structure")
    rows[0]["valid_from"] = "not a date"
    landing.write_rows("org_structure", rows, name="org_structure_20250131_v2.csv")
    load(con, landing, "org_structure", now=datetime(2025, 2, 2))
    assert sync_extract(con, lake, "org_structure") == {"2025-01-31": 2}
    after = {p.name for p in untouched.iterdir()}
    assert after.isdisjoint(before) and len(after) == 1  # the old delivery's file is gone
    assert lake_rows(lake, "org_structure") == raw_rows(con, "org_structure")
    quarantined = duckdb.sql(
        f"SELECT file_name, column_name FROM '{lake}/raw/quarantine/*.parquet'").fetchall()
    assert quarantined == [("org_structure_20250131_v2.csv", "valid_from")]
    assert not list(lake.rglob(".*"))  # no half-written folder left behind


def test_sync_before_dbt_catches_up_and_reports_optional_sources(con, landing, tmp_path):
    """A warehouse loaded on DuckDB, then switched to Spark: the lake is filled before dbt."""
    lake = tmp_path / "lake"
    landing.write_rows("org_structure")
    load(con, landing, "org_structure")
    assert sync_lake(con, lake) == []
    assert lake_rows(lake, "org_structure") == raw_rows(con, "org_structure")
    con.execute("CREATE SCHEMA quality; CREATE TABLE quality.check_results AS SELECT 1 AS n")
    assert sync_lake(con, lake) == ["quality.check_results"]
    assert duckdb.sql(f"SELECT n FROM '{lake}/quality/check_results/*.parquet'").fetchall() == [
        (1,)]


def test_spark_tables_are_read_as_views_of_the_same_name(con, tmp_path):
    """What Spark wrote (Parquet, a partitioned table's column in its folder names) is read by
    the next steps as `schema.table`, in the model's column order, replacing a DuckDB-built
    table of the same name."""
    lake = tmp_path / "lake"
    table = lake / "spark-warehouse" / "marts.db" / "fct_monthly"
    for month, value in (("2025-01-01", 1.5), ("2025-02-01", 2.5)):
        (table / f"period={month}").mkdir(parents=True)
        duckdb.sql(f"COPY (SELECT 'M01' AS measure_id, {value} AS value) "
                   f"TO '{table}/period={month}/part-0.parquet' (FORMAT parquet)")
    (table / "_SUCCESS").touch()
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"nodes": {
        "model.p.fct_monthly": {"resource_type": "model", "schema": "marts",
                                "name": "fct_monthly", "alias": "fct_monthly",
                                "columns": {"period": {}, "measure_id": {}, "value": {}}},
        "model.p.stg_view": {"resource_type": "model", "schema": "staging", "name": "stg_view",
                             "alias": "stg_view", "columns": {}},
        "test.p.not_null": {"resource_type": "test", "schema": "marts", "name": "x"}}}))
    con.execute("CREATE SCHEMA marts; CREATE TABLE marts.fct_monthly AS SELECT 0 AS stale")

    assert attach_spark_tables(con, manifest, lake) == ["marts.fct_monthly"]
    got = con.execute("SELECT * FROM marts.fct_monthly ORDER BY period").fetchall()
    assert [(str(p), m, v) for p, m, v in got] == [
        ("2025-01-01", "M01", 1.5), ("2025-02-01", "M01", 2.5)]
    assert con.execute("SELECT data_type FROM information_schema.columns WHERE "
                       "table_name = 'fct_monthly' AND column_name = 'period'").fetchone() == (
        "DATE",)


def test_a_table_spark_created_empty_is_read_as_empty_with_its_declared_columns(con, tmp_path):
    """A seed with no rows (the SPC rebase list, empty until someone confirms a rebase) is a
    Spark table folder with no file in it: the next steps still read it, as no rows with the
    columns and types dbt declares (a seed's column_types, a contract's data_type, else text),
    while a view on Spark (no folder) is still not attached."""
    lake = tmp_path / "lake"
    (lake / "spark-warehouse" / "marts.db" / "spc_rebase_dates").mkdir(parents=True)
    (lake / "spark-warehouse" / "marts.db" / "fct_changes").mkdir()
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"nodes": {
        "seed.p.spc_rebase_dates": {
            "resource_type": "seed", "schema": "marts", "name": "spc_rebase_dates",
            "alias": "spc_rebase_dates", "columns": {"measure_id": {}, "note": {}},
            "config": {"column_types": {"measure_id": "string", "rebase_date": "date"}}},
        "model.p.fct_changes": {
            "resource_type": "model", "schema": "marts", "name": "fct_changes",
            "alias": "fct_changes", "columns": {"cycle_no": {"data_type": "int"},
                                                "ratio": {"data_type": "decimal(10, 2)"}}},
        "model.p.stg_view": {"resource_type": "model", "schema": "staging", "name": "stg_view",
                             "alias": "stg_view", "columns": {"x": {"data_type": "int"}}}}}))

    assert attach_spark_tables(con, manifest, lake) == ["marts.fct_changes",
                                                        "marts.spc_rebase_dates"]
    assert con.execute("SELECT count(*) FROM marts.spc_rebase_dates").fetchone() == (0,)
    assert con.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'marts' ORDER BY table_name, ordinal_position").fetchall() == [
        ("fct_changes", "cycle_no", "INTEGER"), ("fct_changes", "ratio", "DECIMAL(10,2)"),
        ("spc_rebase_dates", "measure_id", "VARCHAR"), ("spc_rebase_dates", "note", "VARCHAR"),
        ("spc_rebase_dates", "rebase_date", "DATE")]
    manifest.write_text(json.dumps({"nodes": {"seed.p.bad": {
        "resource_type": "seed", "schema": "marts", "name": "spc_rebase_dates",
        "columns": {}, "config": {"column_types": {"x": "date); DROP TABLE y; --"}}}}}))
    with pytest.raises(ValueError, match="column x: declared type"):
        attach_spark_tables(con, manifest, lake)


def test_dbt_runs_on_the_spark_output_with_one_vars_argument():
    args = spark_build_args(["build", "--full-refresh", "--vars", '{"lookback_months": 2}'],
                            ["quality.check_results"])
    assert args[:2] == ["build", "--full-refresh"] and args.count("--vars") == 1
    assert args[args.index("--target") + 1] == "spark"
    assert json.loads(args[args.index("--vars") + 1]) == {
        "lookback_months": 2, "lake_tables": ["quality.check_results"]}
