"""A DuckDB warehouse's tables written out as the Parquet lake Spark reads.

The layout (the dbt macro `register_lake_sources` reads it; README "Running on Spark"):
`<lake>/<schema>/<table>/`, one folder per table; the raw extracts are partitioned by delivery,
`<lake>/raw/<extract>/_extract_date=YYYY-MM-DD/*.parquet` (Hive-style, so the files do not
carry `_extract_date`: both Spark and DuckDB add it back from the folder name). The ingest
bookkeeping tables and any other table are one unpartitioned folder, always with at least one
file (an empty table still writes its schema: Spark infers it from the files).

Each folder is written beside its final place and renamed into it, so a reader never sees half
a table.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from ..contracts import CONTRACTS
from ..ingest.load import RAW_SCHEMA

# the lineage column every raw extract row carries: a delivery's rows share it
PARTITION_COLUMN = "_extract_date"


def table_folder(lake_dir: Path, schema: str, table: str) -> Path:
    return Path(lake_dir) / schema / table


def export_table(con: duckdb.DuckDBPyConnection, lake_dir: Path, schema: str, table: str,
                 *, partition_by: str | None = None) -> int:
    """Write `schema.table` to its lake folder (replacing it); return the rows written."""
    final = table_folder(lake_dir, schema, table)
    staging = final.with_name(f".{table}.writing")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    rows = con.execute(f"select count(*) from {schema}.{table}").fetchone()[0]
    if partition_by and rows:
        con.execute(f"copy {schema}.{table} to '{staging}' "
                    f"(format parquet, partition_by ({partition_by}), overwrite_or_ignore)")
    elif not partition_by or rows:
        con.execute(f"copy {schema}.{table} to '{staging / 'part-0.parquet'}' (format parquet)")
    # (an empty partitioned table is an empty folder: its source declares the columns)
    replace_folder(staging, final)
    return rows


def replace_folder(written: Path, final: Path) -> None:
    """Move a fully written folder into `final`'s place; a reader sees the old or the new."""
    previous = final.with_name(f".{final.name}.previous")
    shutil.rmtree(previous, ignore_errors=True)
    if final.exists():
        final.rename(previous)
    written.rename(final)
    shutil.rmtree(previous, ignore_errors=True)


def export_raw(con: duckdb.DuckDBPyConnection, lake_dir: Path) -> dict[str, int]:
    """Every extract's raw table, the quarantine and the load log: {table: rows}."""
    written = {}
    for contract in CONTRACTS:
        written[contract.name] = export_table(con, lake_dir, RAW_SCHEMA, contract.name,
                                              partition_by=PARTITION_COLUMN)
    for table in ("quarantine", "load_log"):
        written[table] = export_table(con, lake_dir, RAW_SCHEMA, table)
    return written
