"""Environment settings, read when asked for (never at import), each with a working default.

Relative defaults resolve against the current working directory, which is the repository root
for `make run`, `make test` and `dagster dev`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"
# The Dagster instance folder (run history) when DAGSTER_HOME is unset: the Makefile exports
# this same folder, so `make run`, `make dev` and `python -m dagster_project run` share it.
DEFAULT_DAGSTER_HOME = PROJECT_ROOT / ".dagster_home"


def _path(var: str, default: str) -> Path:
    return Path(os.environ.get(var) or default).expanduser().resolve()


def _dagster_home() -> Path:
    return _path("DAGSTER_HOME", str(DEFAULT_DAGSTER_HOME))


@dataclass(frozen=True)
class Settings:
    landing_dir: Path
    warehouse_path: Path
    publish_dir: Path
    report_dir: Path
    file_stable_seconds: float
    schedule_cron: str
    schedule_timezone: str
    duckdb_memory_limit: str
    ingest_workers: int
    dbt_threads: int
    report_org_code: str | None
    report_png_cache_dir: Path
    output_permissions: str
    dagster_home: Path
    warehouse_engine: str
    spark_master: str
    spark_shuffle_partitions: int
    spark_codegen: bool
    spark_driver_memory: str | None
    lake_dir: Path
    lake_url: str
    quality_as_of_date: date | None
    gx_chunk_rows: int


def get_settings() -> Settings:
    lake_dir = _path("LAKE_DIR", "data/lake")
    return Settings(
        landing_dir=_path("LANDING_DIR", "data/landing"),
        warehouse_path=_path("WAREHOUSE_PATH", "data/warehouse.duckdb"),
        publish_dir=_path("PUBLISH_DIR", "data/published"),
        report_dir=_path("REPORT_DIR", "data/report"),
        # A file modified within this many seconds may still be being copied: it waits for the
        # next run (files the synthetic generator wrote and listed are exempt: ingest/landing.py).
        file_stable_seconds=float(os.environ.get("FILE_STABLE_SECONDS", "120")),
        schedule_cron=os.environ.get("NIGHTLY_CRON", "0 2 * * *"),
        schedule_timezone=os.environ.get("NIGHTLY_TIMEZONE", "Europe/London"),
        # DuckDB's own default is 80% of RAM; a cap makes big loads spill to
        # <warehouse>.tmp instead, so a national run stays well inside a modest machine.
        duckdb_memory_limit=os.environ.get("DUCKDB_MEMORY_LIMIT", "4GB"),
        # processes reading and validating one extract's files side by side (ingest/parallel.py),
        # never more than its files to read. One per two cores: DuckDB already keeps two cores
        # busy on one file, so on 2 cores a second worker was no faster (benchmarks/results.md)
        ingest_workers=max(1, int(os.environ.get("INGEST_WORKERS") or (os.cpu_count() or 2) // 2)),
        # dbt's threads: models and tests run side by side (passed to every dbt invocation)
        dbt_threads=int(os.environ.get("DBT_THREADS") or "4"),
        # the organisation the HTML report is for, when the warehouse holds several
        report_org_code=os.environ.get("REPORT_ORG_CODE") or None,
        # each chart's PNG kept by its SVG, so an unchanged chart is not rasterised again:
        # pipeline state, beside the run history (report/png_cache.py)
        report_png_cache_dir=_path("REPORT_PNG_CACHE_DIR",
                                   str(_dagster_home() / "report_png_cache")),
        # who may read what the pipeline writes: group (0640/0750) or owner (0600/0700)
        output_permissions=os.environ.get("OUTPUT_PERMISSIONS") or "group",
        dagster_home=_dagster_home(),
        # which engine builds the dbt layers: the embedded DuckDB, or Spark (engine/)
        warehouse_engine=_engine(os.environ.get("WAREHOUSE_ENGINE") or DUCKDB),
        # the Spark session's master: a local session by default, a cluster by its URL
        spark_master=os.environ.get("SPARK_MASTER") or "local[*]",
        # Spark's default of 200 is for clusters; a few suit a local session's cores
        spark_shuffle_partitions=int(os.environ.get("SPARK_SHUFFLE_PARTITIONS") or "4"),
        # Spark's whole-stage code generation: faster on big scans, seconds of compiling per
        # query on tiny ones (`false` for the small trust's parity nights)
        spark_codegen=(os.environ.get("SPARK_CODEGEN") or "true").lower() != "false",
        # the driver JVM's heap (`12g`); in a local session the driver is the only executor, so
        # this is all the memory Spark has (unset: Spark's own default, 1 GB)
        spark_driver_memory=os.environ.get("SPARK_DRIVER_MEMORY") or None,
        # on Spark, where the raw layer lands as Parquet and Spark keeps its tables
        lake_dir=lake_dir,
        # the same lake as Spark addresses it, when its executors or server see it elsewhere
        # (`abfss://...`, `hdfs://...`, `s3a://...`) than this machine's mount (LAKE_DIR)
        lake_url=(os.environ.get("LAKE_URL") or str(lake_dir)).rstrip("/"),
        # the day the quality checks' freshness windows count back from (YYYY-MM-DD; today when
        # unset): a test or a re-run of an old night pins it
        quality_as_of_date=_day(os.environ.get("QUALITY_AS_OF_DATE")),
        # rows Great Expectations sees at once: a bigger batch is validated in chunks, so
        # memory stays bounded whatever the table's size
        gx_chunk_rows=max(1, int(os.environ.get("GX_CHUNK_ROWS") or 1_000_000)),
    )


DUCKDB, SPARK = "duckdb", "spark"
ENGINES = (DUCKDB, SPARK)


def _engine(value: str) -> str:
    engine = value.strip().lower()
    if engine not in ENGINES:
        raise ValueError(f"WAREHOUSE_ENGINE={value!r}: expected one of {', '.join(ENGINES)}")
    return engine


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


@contextmanager
def environment_overridden(values: dict[str, str]) -> Iterator[None]:
    """os.environ with `values` for the duration (for a tool this process starts that reads its
    settings from the environment: dbt-spark's profile); the previous values restored after."""
    previous = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
