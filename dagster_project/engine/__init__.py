"""The warehouse engine: which one builds the dbt layers, and the Spark plumbing when it is Spark.

DuckDB is the embedded default and needs nothing from here. With `WAREHOUSE_ENGINE=spark`:
- `lake`: the validated raw layer (and the DuckDB-side tables dbt reads as sources) land as
  Parquet in `LAKE_DIR`, written atomically; Spark reads them from there.
- `spark`: the Spark session's configuration, in one place, for dbt's session and ours.
- `marts`: after dbt built on Spark, the warehouse's `staging`/`intermediate`/`marts`/... relations
  become DuckDB views over the Spark tables' Parquet, so SPC, checks, publication and the report
  read them as they always did.
Only the few places that must ask which engine is in use call `on_spark()`.
"""

from __future__ import annotations

from ..settings import SPARK, get_settings


def on_spark() -> bool:
    """Whether this run's dbt layers are built by Spark (WAREHOUSE_ENGINE=spark)."""
    return get_settings().warehouse_engine == SPARK


def land_extract(con, extract: str) -> None:
    """After an extract's load into the warehouse: on Spark, its validated rows, quarantine and
    load log land in the lake (lake.sync_extract); on DuckDB, nothing to do."""
    if on_spark():
        from .lake import sync_extract

        sync_extract(con, get_settings().lake_dir, extract)
