"""The same dbt project on DuckDB and on Spark gives the same marts, night after night.

A small synthetic trust is ingested by the real loader into DuckDB; the first night sees the
deliveries up to a cut-off, the second night the rest (so the incremental facts replace their
look-back months: delete+insert on DuckDB, insert_overwrite on Spark). Each night dbt builds the
project on DuckDB (its two selections, with the impact step between them, as the nightly job
runs it) and on a local Spark session (dbt-spark's `session` method) over the raw layer exported
to the Parquet lake (dagster_project/engine/lake_export.py, registered by the `on-run-start`
macro). Every marts and publish_candidate table must then hold the same rows on both engines
(EXCEPT ALL both ways, read side by side in DuckDB: Spark's tables are Parquet folders).

Both engines build without dbt's data tests (`--exclude resource_type:test`): the other suites
run them on DuckDB, and on a local Spark session 400 tests are many minutes for nothing the
row-for-row parity does not already prove.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from dagster_project.improvement.tables import IMPACT, IMPACT_POINTS
from dagster_project.settings import DBT_PROJECT_DIR

# Two nights on both engines, about 4 minutes on 2 cores: part of `make test`.
pytestmark = pytest.mark.integration

if shutil.which("java") is None:
    pytest.skip("Java is not installed: Spark needs a JVM (make test installs Java 17)",
                allow_module_level=True)
pytest.importorskip("pyspark", reason="pyspark is not installed (uv sync --group spark)")
pytest.importorskip("dbt.adapters.spark", reason="dbt-spark is not installed")

# Few months, few staff: both engines, two nights, within a few minutes on 2 cores.
TRUST = {"months": 4, "staff": 120, "seed": 11}
SCHEMAS = ("marts", "publish_candidate")
# The impact step's tables, written by Python between dbt's two selections: not dbt's, so not
# compared; on Spark, IMPACT is a lake table dbt reads as a source.
PYTHON_WRITTEN = (IMPACT, IMPACT_POINTS)
# dbt on DuckDB: the nightly job's two selections (dagster_project/transform/assets.py)
AFTER_VERDICTS = "source:improvement_verdicts+"
DBT = str(Path(sys.executable).parent / "dbt")
NO_TESTS = "resource_type:test"


def dbt(*args: str, env: dict[str, str], target_path: Path) -> None:
    result = subprocess.run(
        [DBT, *args, "--profiles-dir", ".", "--project-dir", ".",
         "--target-path", str(target_path), "--log-path", str(target_path / "logs")],
        cwd=DBT_PROJECT_DIR, env={**os.environ, **env}, capture_output=True, text=True)
    assert result.returncode == 0, f"dbt {' '.join(args)} failed:\n{result.stdout[-4000:]}"


def build_on_duckdb(warehouse: Path, work: Path) -> None:
    from dagster_project.improvement.assets import impact_tables, read_inputs, write_tables

    env = {"WAREHOUSE_PATH": str(warehouse)}
    dbt("build", "--exclude", AFTER_VERDICTS, NO_TESTS, env=env,
        target_path=work / "target_duckdb")
    with duckdb.connect(str(warehouse)) as con:
        write_tables(con, impact_tables(read_inputs(con)))
    dbt("build", "--select", AFTER_VERDICTS, "--exclude", NO_TESTS, env=env,
        target_path=work / "target_duckdb")


def build_on_spark(warehouse: Path, lake: Path, work: Path) -> None:
    from dagster_project.engine.lake_export import export_raw, export_table

    with duckdb.connect(str(warehouse), read_only=True) as con:
        export_raw(con, lake)
        export_table(con, lake, *IMPACT)
    # tiny data: one shuffle partition, no whole-stage code generation (README "Running on Spark");
    # Spark addresses the lake by URL, as a cluster would (LAKE_URL), and we read it at its path
    env = {"LAKE_DIR": str(lake), "LAKE_URL": lake.as_uri(), "SPARK_MASTER": "local[2]",
           "SPARK_SHUFFLE_PARTITIONS": "1", "SPARK_CODEGEN": "false"}
    dbt("build", "--target", "spark", "--exclude", NO_TESTS,
        "--vars", json.dumps({"lake_tables": [".".join(IMPACT)]}),
        env=env, target_path=work / "target_spark")


def spark_tables(lake: Path, schema: str) -> dict[str, Path]:
    folder = lake / "spark-warehouse" / f"{schema}.db"
    return {p.name: p for p in sorted(folder.iterdir()) if p.is_dir()} if folder.exists() else {}


def compare(warehouse: Path, lake: Path) -> dict[str, tuple[int, int, int]]:
    """{schema.table: (rows, rows only on DuckDB, rows only on Spark)} for every dbt table."""
    figures = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for schema in SCHEMAS:
            on_spark = spark_tables(lake, schema)
            duck = [t for (t,) in con.execute(
                "select table_name from information_schema.tables where table_schema = ? "
                "order by 1", [schema]).fetchall() if (schema, t) not in PYTHON_WRITTEN]
            assert sorted(duck) == sorted(set(on_spark) - {IMPACT[1]}), schema
            for table in duck:
                columns = ", ".join(c for (c,) in con.execute(
                    "select column_name from information_schema.columns where table_schema = ? "
                    "and table_name = ? order by ordinal_position", [schema, table]).fetchall())
                ours = f"(select {columns} from {schema}.{table})"
                rows = con.execute(f"select count(*) from {ours}").fetchone()[0]
                if not any(on_spark[table].rglob("*.parquet")):  # Spark writes no file for 0 rows
                    figures[f"{schema}.{table}"] = (rows, rows, 0)
                    continue
                theirs = (f"(select {columns} from read_parquet('{on_spark[table]}/**/*.parquet', "
                          f"hive_partitioning = true, union_by_name = true))")
                only_duck = con.execute(
                    f"select count(*) from ({ours} except all {theirs})").fetchone()[0]
                only_spark = con.execute(
                    f"select count(*) from ({theirs} except all {ours})").fetchone()[0]
                figures[f"{schema}.{table}"] = (rows, only_duck, only_spark)
    return figures


def deliveries_up_to(landing: Path, cutoff: str, night: Path) -> None:
    """A landing folder with the deliveries whose file date is on or before `cutoff`; an extract
    delivered once (the organisation structure) is there from the first night, or nothing else
    would join."""
    for extract in (p for p in landing.iterdir() if p.is_dir()):
        (night / extract.name).mkdir(parents=True, exist_ok=True)
        files = sorted(extract.glob("*.csv"))
        for file in files:
            if file.stem.rsplit("_", 1)[-1] <= cutoff or len(files) == 1:
                shutil.copy2(file, night / extract.name / file.name)


def test_marts_identical_on_duckdb_and_spark_over_two_nights(tmp_path):
    from dagster_project.ingest.load import load_all
    from dagster_project.synthetic import generate

    generated = tmp_path / "generated"
    generate(generated, **TRUST)
    dates = sorted({f.stem.rsplit("_", 1)[-1] for f in generated.glob("*/*.csv")})
    landing, warehouse, lake = tmp_path / "landing", tmp_path / "warehouse.duckdb", tmp_path / "lake"

    nights = {}
    for night, cutoff in enumerate((dates[-2], dates[-1]), start=1):
        deliveries_up_to(generated, cutoff, landing)
        with duckdb.connect(str(warehouse)) as con:
            load_all(con, landing, stable_seconds=0)
        build_on_duckdb(warehouse, tmp_path)
        build_on_spark(warehouse, lake, tmp_path)
        nights[night] = compare(warehouse, lake)
        print(f"night {night} (deliveries to {cutoff}): {nights[night]}", flush=True)

    for night, figures in nights.items():
        print(f"night {night}: {len(figures)} tables, {sum(r for r, _, _ in figures.values())} "
              f"rows compared")
        different = {t: f for t, f in figures.items() if f[1] or f[2]}
        assert not different, f"night {night}: (rows, only DuckDB, only Spark) {different}"
    # the comparison is not vacuous: the facts hold rows, and the second night changed them
    assert nights[1]["marts.fct_incidents"][0] > 0
    assert nights[2]["marts.fct_incidents"][0] > 0
    assert nights[2]["marts.fct_scorecard_monthly"][0] > nights[1]["marts.fct_scorecard_monthly"][0]
