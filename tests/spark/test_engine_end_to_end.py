"""The main job with WAREHOUSE_ENGINE=spark, end to end on the tiny synthetic trust: ingest
validates in DuckDB and lands the raw layer in the lake, dbt builds on a local Spark session,
and SPC, checks, publication and the report read the Spark-built marts. Every published table
must be the one the DuckDB engine publishes from the same files (EXCEPT ALL both ways)."""

from __future__ import annotations

import json
import shutil

import duckdb
import pytest

from ..conftest import environment, make_env, run_nightly

pytestmark = pytest.mark.integration

# Stamps of the run itself (when a check ran, a file was loaded, a signal was first seen, by
# which run): they differ between any two runs, whatever the engine.
RUN_STAMPS = ("last_checked_at", "last_loaded_at", "detected_at", "detected_run_id")


def on_spark(lake) -> dict[str, str]:
    # tiny data: one shuffle partition, no whole-stage code generation (compiling it costs
    # more than running the query: README "Running on Spark")
    return {"WAREHOUSE_ENGINE": "spark", "LAKE_DIR": str(lake),
            "SPARK_SHUFFLE_PARTITIONS": "1", "SPARK_CODEGEN": "false"}


@pytest.fixture(scope="module")
def spark_run(tmp_path_factory, tiny_trust_landing):
    env = make_env(tmp_path_factory.mktemp("spark_engine"))
    shutil.copytree(tiny_trust_landing, env.landing)
    lake = env.root / "lake"
    with environment(on_spark(lake)):
        result = run_nightly(env, raise_on_error=False)
    return env, lake, result


def failures(result) -> list:
    return [(e.step_key, e.event_specific_data.error and e.event_specific_data.error.message)
            for e in result.all_events if e.is_step_failure]


def tables(con, catalogue: str, schema: str) -> set[str]:
    return {t for (t,) in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_catalog = ? "
        "AND table_schema = ?", [catalogue, schema]).fetchall()}


def compared_columns(con, table: str) -> str:
    columns = [c for (c,) in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_catalog = 'duck' "
        "AND table_schema = 'published' AND table_name = ? ORDER BY ordinal_position",
        [table]).fetchall() if c not in RUN_STAMPS]
    return ", ".join(f'"{c}"' for c in columns)


def compare_published(duck_warehouse, spark_warehouse) -> dict[str, tuple[int, int, int]]:
    """{published table: (rows, rows only on DuckDB, rows only on Spark)}, run stamps aside;
    asserts the engines published the same tables and no row differs."""
    con = duckdb.connect()
    con.execute(f"ATTACH '{duck_warehouse}' AS duck (READ_ONLY)")
    con.execute(f"ATTACH '{spark_warehouse}' AS spark (READ_ONLY)")
    published = tables(con, "duck", "published")
    assert published == tables(con, "spark", "published")
    assert len(published) >= 20
    compared = {}
    for table in sorted(published):
        columns = compared_columns(con, table)
        rows = con.execute(f"SELECT count(*) FROM duck.published.{table}").fetchone()[0]
        only = {}
        for one, other in (("duck", "spark"), ("spark", "duck")):
            only[one] = con.execute(
                f"SELECT count(*) FROM (SELECT {columns} FROM {one}.published.{table} "
                f"EXCEPT ALL SELECT {columns} FROM {other}.published.{table})").fetchone()[0]
        compared[table] = (rows, only["duck"], only["spark"])
    different = {t: c for t, c in compared.items() if c[1] or c[2]}
    assert not different, f"(rows, only on DuckDB, only on Spark): {different}"
    return compared


# Passes: 26 published tables, 44,664 rows, identical. The module's two Spark nights take
# several minutes on 2 cores, so they are marked `spark`: not in `make test` (whose Spark parity
# test is tests/spark/test_dbt_parity.py), run by `make test-spark`.
@pytest.mark.spark
def test_main_job_runs_on_spark_and_publishes_what_duckdb_publishes(spark_run, tiny_night):
    env, lake, result = spark_run
    assert result.success, failures(result)
    duck_env = tiny_night  # the same landing files, run on DuckDB (a passed night)

    # the raw layer landed in the lake, partitioned by extract and extract date
    assert any((lake / "raw" / "incidents").glob("_extract_date=*/*.parquet"))
    # the marts were built by Spark (Parquet under the lake) and read through DuckDB views
    assert any((lake / "spark-warehouse" / "marts.db" / "fct_scorecard_monthly").rglob(
        "*.parquet"))
    assert (env.report / "index.html").exists()

    con = duckdb.connect()
    con.execute(f"ATTACH '{env.warehouse}' AS spark (READ_ONLY)")
    kinds = dict(con.execute(
        "SELECT table_name, table_type FROM information_schema.tables "
        "WHERE table_catalog = 'spark' AND table_schema = 'marts'").fetchall())
    assert kinds["fct_scorecard_monthly"] == "VIEW"

    compared = compare_published(duck_env.warehouse, env.warehouse)
    # not vacuous: the tiny trust publishes about 45,000 rows (26 tables), the scorecard and SPC
    # among them
    assert all(compared[t][0] > 0 for t in ("scorecard_monthly", "scorecard_breakdowns",
                                            "spc_points"))
    assert sum(rows for rows, _, _ in compared.values()) > 40_000


# After the parity test above (it runs the module's Spark night again, in place).
@pytest.mark.spark
def test_a_second_spark_night_carries_dbt_and_publishes_what_duckdb_publishes(spark_run,
                                                                             tiny_night,
                                                                             tmp_path):
    """dbt's carry on Spark: a second night with no new file starts no dbt for the first
    selection (the sources' fingerprints are the warehouse's raw tables, which the lake
    mirrors), and what it publishes is what DuckDB's second night publishes from the same files.
    (A second night is not a copy of the first: the data-quality mark's consistency now counts
    the marts' checks of the night before, on both engines.)"""
    from ..conftest import copy_env
    from ..transform.test_dbt_carry import assert_dbt_not_started

    env, lake, first = spark_run
    assert first.success, failures(first)
    with environment(on_spark(lake)):
        again = run_nightly(env, raise_on_error=False)
    assert again.success, failures(again)
    assert_dbt_not_started(again)
    duck_again = copy_env(tiny_night, tmp_path / "duckdb_second_night")
    assert run_nightly(duck_again).success
    compared = compare_published(duck_again.warehouse, env.warehouse)
    assert sum(rows for rows, _, _ in compared.values()) > 40_000


def test_tables_spark_wrote_are_read_by_duckdb_with_their_values_and_types(tmp_path,
                                                                           monkeypatch):
    """The reader on real Spark output: a table written by a Spark session with the pipeline's
    configuration (engine/spark.py), partitioned as the incremental marts are, reads back in
    DuckDB as a view with the same rows and types (timestamps in UTC, the partition column a
    DATE again), without a Spark session."""
    from dagster_project.engine.marts import attach_spark_tables
    from dagster_project.engine.spark import spark_session

    lake = tmp_path / "lake"
    monkeypatch.setenv("LAKE_DIR", str(lake))
    monkeypatch.setenv("SPARK_SHUFFLE_PARTITIONS", "2")
    with spark_session() as spark:
        spark.sql("CREATE DATABASE IF NOT EXISTS marts")
        spark.sql("""
            CREATE TABLE marts.fct_example USING parquet PARTITIONED BY (period) AS
            SELECT * FROM VALUES
              ('M01', 3, 30000000000L, 0.25D, CAST(12.50 AS DECIMAL(10, 2)), true,
               TIMESTAMP '2025-01-31 06:00:00', DATE '2025-01-01'),
              ('M02', NULL, 7L, NULL, NULL, false, NULL, DATE '2025-02-01')
            AS t(measure_id, n, big, share, amount, flag, loaded_at, period)""")
    manifest = tmp_path / "manifest.json"
    columns = ["measure_id", "period", "n", "big", "share", "amount", "flag", "loaded_at"]
    manifest.write_text(json.dumps({"nodes": {"model.p.fct_example": {
        "resource_type": "model", "schema": "marts", "name": "fct_example",
        "alias": "fct_example", "columns": {c: {} for c in columns}}}}))

    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    assert attach_spark_tables(con, manifest, lake) == ["marts.fct_example"]
    types = con.execute("SELECT column_name, data_type FROM information_schema.columns "
                        "WHERE table_name = 'fct_example' ORDER BY ordinal_position").fetchall()
    assert types == [("measure_id", "VARCHAR"), ("period", "DATE"), ("n", "INTEGER"),
                     ("big", "BIGINT"), ("share", "DOUBLE"), ("amount", "DECIMAL(10,2)"),
                     ("flag", "BOOLEAN"), ("loaded_at", "TIMESTAMP")]
    rows = con.execute("SELECT measure_id, CAST(period AS VARCHAR), n, big, share, "
                       "CAST(amount AS VARCHAR), flag, CAST(loaded_at AS VARCHAR) "
                       "FROM marts.fct_example ORDER BY measure_id").fetchall()
    assert rows == [("M01", "2025-01-01", 3, 30000000000, 0.25, "12.50", True,
                     "2025-01-31 06:00:00"),
                    ("M02", "2025-02-01", None, 7, None, None, False, None)]
    con.close()
