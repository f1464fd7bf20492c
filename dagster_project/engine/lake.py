"""Keep the lake (Parquet Spark reads) in step with the warehouse tables dbt reads as sources.

Ingest still validates in DuckDB (the contracts are set-based and fast per file); on Spark the
validated raw layer then lands in the lake (`lake_export.py` has the layout):
`<lake>/raw/<extract>/_extract_date=YYYY-MM-DD/<hash>.parquet`, one file per delivery named by
the first characters of the loaded file's content hash (raw.load_log). A partition whose file
already carries the current hash is in step and is not written again, so a quiet night writes
nothing and a correction rewrites only its own date. Each partition is written beside its place
and renamed in; a date no longer in raw leaves the lake. The quarantine, the load log and the
other Python-written sources (quality history, impact verdicts) are small: they are rewritten
whole with `export_table`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from ..contracts import CONTRACTS
from ..ingest.load import LOADED, RAW_SCHEMA, ensure_tables, raw_columns
from ..ingest.reader import quote_ident
from .lake_export import PARTITION_COLUMN, export_table, replace_folder, table_folder

HASH_CHARS = 16
# Written by Python into the warehouse, read by dbt as sources: (schema, table). The raw
# extracts are partitioned (sync_raw); these are rewritten whole when present.
BOOKKEEPING = ((RAW_SCHEMA, "quarantine"), (RAW_SCHEMA, "load_log"))
OPTIONAL_SOURCES = (("quality", "check_results"), ("marts", "fct_qi_impact"))
_CONTRACTS = {c.name: c for c in CONTRACTS}


def partition_folder(lake_dir: Path, extract: str, extract_date) -> Path:
    return table_folder(lake_dir, RAW_SCHEMA, extract) / f"{PARTITION_COLUMN}={extract_date}"


def current_deliveries(con: duckdb.DuckDBPyConnection, extract: str) -> dict[str, str]:
    """{extract date: content hash of the file whose rows raw holds for it} (the latest load)."""
    rows = con.execute(
        f"SELECT extract_date, content_hash FROM {RAW_SCHEMA}.load_log "
        "WHERE extract = ? AND status = ? "
        "QUALIFY row_number() OVER (PARTITION BY extract_date "
        "ORDER BY loaded_at DESC, rowid DESC) = 1",
        [extract, LOADED]).fetchall()
    return {str(d): h for d, h in rows}


def _write_partition(con: duckdb.DuckDBPyConnection, lake_dir: Path, extract: str,
                     extract_date: str, content_hash: str) -> int:
    final = partition_folder(lake_dir, extract, extract_date)
    written = final.with_name(f".{final.name}.writing")
    shutil.rmtree(written, ignore_errors=True)
    written.mkdir(parents=True)
    # the partition column lives in the folder name, not in the file (Hive layout)
    columns = ", ".join(quote_ident(n) for n, _ in raw_columns(_CONTRACTS[extract])
                        if n != PARTITION_COLUMN)
    rows = con.execute(
        f"SELECT count(*) FROM {RAW_SCHEMA}.{quote_ident(extract)} "
        f"WHERE {PARTITION_COLUMN} = ?::DATE", [extract_date]).fetchone()[0]
    # an all-quarantined delivery still writes its (empty) file: the partition is in step
    target = written / f"{content_hash[:HASH_CHARS]}.parquet"
    con.execute(
        f"COPY (SELECT {columns} FROM {RAW_SCHEMA}.{quote_ident(extract)} "
        f"WHERE {PARTITION_COLUMN} = DATE '{extract_date}' ORDER BY _row_number) "
        f"TO '{target}' (FORMAT parquet)")
    replace_folder(written, final)
    return rows


def sync_raw(con: duckdb.DuckDBPyConnection, lake_dir: Path, extract: str) -> dict[str, int]:
    """Bring `<lake>/raw/<extract>/` in step with raw.<extract>; {extract date: rows} written."""
    wanted = current_deliveries(con, extract)
    written = {}
    for extract_date, content_hash in sorted(wanted.items()):
        part = partition_folder(lake_dir, extract, extract_date)
        if not (part / f"{content_hash[:HASH_CHARS]}.parquet").exists():
            written[extract_date] = _write_partition(con, lake_dir, extract, extract_date,
                                                     content_hash)
    folder, prefix = table_folder(lake_dir, RAW_SCHEMA, extract), f"{PARTITION_COLUMN}="
    for stale in folder.glob(f"{prefix}*") if folder.exists() else ():
        if stale.name.removeprefix(prefix) not in wanted:
            shutil.rmtree(stale)
    return written


def sync_extract(con: duckdb.DuckDBPyConnection, lake_dir: Path, extract: str) -> dict[str, int]:
    """After an extract's load: its partitions, and the quarantine and load log it changed."""
    written = sync_raw(con, lake_dir, extract)
    for schema, table in BOOKKEEPING:
        export_table(con, lake_dir, schema, table)
    return written


def _exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? "
        "AND table_name = ?", [schema, table]).fetchone()[0])


def sync_lake(con: duckdb.DuckDBPyConnection, lake_dir: Path) -> list[str]:
    """Everything dbt reads as a source, in step before dbt runs on Spark: every extract's
    partitions (nothing to write when ingest already did), the bookkeeping tables, and the
    optional sources present in the warehouse. Returns those optional sources as
    `schema.table` (dbt registers only them: its `lake_tables` var)."""
    ensure_tables(con)  # a warehouse nothing was ever delivered to still has its bookkeeping
    for contract in CONTRACTS:
        if _exists(con, RAW_SCHEMA, contract.name):
            sync_raw(con, lake_dir, contract.name)
    for schema, table in BOOKKEEPING:
        export_table(con, lake_dir, schema, table)
    present = []
    for schema, table in OPTIONAL_SOURCES:
        if _exists(con, schema, table):
            export_table(con, lake_dir, schema, table)
            present.append(f"{schema}.{table}")
    return present
