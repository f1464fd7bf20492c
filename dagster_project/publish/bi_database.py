"""The BI-facing database, `<PUBLISH_DIR>/published.duckdb`: the published tables, nothing else.

Why a file of its own: a BI tool must never open the warehouse. There it would see every
schema (raw rows, marts, the quarantine), and DuckDB's file lock would make the tool and the
nightly writer block each other. This file holds only the tables of one publication, in schema
`main`, and nothing in the pipeline ever opens it after it is built, so a BI tool holding it
open (read-only) never blocks a run and is never blocked by one.

How it is swapped: each publication builds its copy inside the staged version folder
(`_versions/<version>/published.duckdb`, see publish.py). Once that version is committed and
`current` points at it, a hard link to it is made under a temporary name beside the live file
and renamed over `published.duckdb` with os.replace: one atomic rename. A client that opened
the old file keeps reading it (its open file is the old inode, never written again); a new
connection opens the new one. A crash before the rename is repaired by the next publication
or by `reconcile()`, which re-links the committed version.

Storage version: `v1.0.0`, which DuckDB writes as storage format 64, the oldest format of the
1.x series; every DuckDB from 0.10 through 1.x and 2.x reads it, whereas 1.x clients refuse
DuckDB 2.0's default format ("version number 999"). It holds every type the published tables
use (VARCHAR, BIGINT, DOUBLE, DATE, TIMESTAMP, BOOLEAN, and STRUCT/LIST should keys be
carried as such); the later formats (v1.2.0 onward) add only compression methods, which this
small read-mostly file does not need. `v0.10.0` writes the very same format 64, so naming the
1.x release says the same thing more plainly.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import duckdb

BI_DATABASE = "published.duckdb"
STORAGE_VERSION = "v1.0.0"
_ALIAS = "bi_publication"


def bi_database_path(publish_dir: str | Path) -> Path:
    return Path(publish_dir) / BI_DATABASE


def build_bi_database(con: duckdb.DuckDBPyConnection, path: str | Path,
                      tables: Sequence[tuple[str, str]]) -> Path:
    """Write `tables` ([(source relation, published name)]) read through `con` into a new
    DuckDB file at `path`, in storage version STORAGE_VERSION. Call outside a transaction."""
    path = Path(path)
    for leftover in (path, path.with_name(path.name + ".wal")):
        leftover.unlink(missing_ok=True)
    target = str(path).replace("'", "''")
    con.execute(f"attach '{target}' as {_ALIAS} (storage_version '{STORAGE_VERSION}')")
    try:
        for source, name in tables:
            con.execute(f"create table {_ALIAS}.main.{name} as select * from {source}")
    finally:
        con.execute(f"detach {_ALIAS}")  # checkpoints: the file is complete, no .wal left
    with open(path, "rb") as built:
        os.fsync(built.fileno())
    return path


def swap_in(publish_dir: str | Path, version_dir: str | Path) -> bool:
    """Make the version's copy the live `published.duckdb` (one atomic rename). False if that
    version has no copy (published before this file existed)."""
    built = Path(version_dir) / BI_DATABASE
    if not built.is_file():
        return False
    live = bi_database_path(publish_dir)
    for stale in live.parent.glob(f".{BI_DATABASE}.tmp-*"):  # left by a killed process
        stale.unlink(missing_ok=True)
    tmp = live.with_name(f".{BI_DATABASE}.tmp-{os.getpid()}")
    os.link(built, tmp)
    os.replace(tmp, live)
    return True


def is_live(publish_dir: str | Path, version_dir: str | Path) -> bool:
    """Whether the live `published.duckdb` is that version's copy."""
    live, built = bi_database_path(publish_dir), Path(version_dir) / BI_DATABASE
    return live.is_file() and built.is_file() and os.path.samefile(live, built)


def storage_version(path: str | Path) -> str:
    """The storage version DuckDB reports for a database file (e.g. 'v1.0.0+')."""
    con = duckdb.connect()
    try:
        target = str(path).replace("'", "''")
        con.execute(f"attach '{target}' as probe (read_only)")
        return con.execute("select tags['storage_version'] from duckdb_databases() "
                           "where database_name = 'probe'").fetchall()[0][0]
    finally:
        con.close()
