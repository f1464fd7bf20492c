"""Write-audit-publish: copy the checked tables into schema `published` and into Parquet files,
atomically, only when no blocking check of the run failed.

For BI users (Power BI, Tableau, Superset, Excel, DuckDB, pandas...)
--------------------------------------------------------------------
Read either the BI database or the Parquet files, never the warehouse itself:

    <PUBLISH_DIR>/published.duckdb              the published tables only (bi_database.py)
    <PUBLISH_DIR>/<table>/data.parquet          one folder per table (e.g. scorecard_monthly/)

Each `<PUBLISH_DIR>/<table>` is a symbolic link to `current/<table>`, and `current` is a link to
one complete publication, `_versions/<version>/`. A new publication is written in full beside
the old one and then `current` is switched to it in one atomic rename, so a reader sees either
the whole previous publication or the whole new one, never a mix, and never a half-written file.
`<PUBLISH_DIR>/current/_publication.json` says which run published it, when, and the row counts.
The last few versions are kept (`keep_versions`) so that a reader that opened a file just before
a switch can finish; do not read from `_versions/` directly.

How atomic it is
----------------
1. Refuse: any failed ERROR result for this run in `quality.check_results` -> `dg.Failure` naming
   the checks; nothing is touched.
2. Stage: every table is written to `_versions/.staging-<version>/`, as Parquet and into that
   version's `published.duckdb`, then that folder is renamed to `_versions/<version>`
   (invisible to readers until step 4).
3. DuckDB: one transaction creates or replaces every `published.<table>`, drops published tables
   no longer in the list, and logs the version in `quality.publish_log`; then COMMIT.
4. Switch: `current` is replaced (a new symlink renamed over it with os.replace); the per-table
   links are created for new tables and removed for tables no longer published; then the
   version's `published.duckdb` is renamed over `<PUBLISH_DIR>/published.duckdb` (a hard link).
A failure or crash in 1-3 leaves the previous publication exactly as it was (the staging folder is
removed; the transaction is rolled back). A crash between 3 and 4 leaves DuckDB one step ahead of
the Parquet files; the next publish (or `reconcile(publish_dir, con)`) re-points `current` and
`published.duckdb` at the version the warehouse committed, since DuckDB is the record of what was
published.

Each table is written by `stage_parquet` then `write_published_table`, and the pointers move in
`switch_current`: the crash tests make one of them fail from outside (tests/publish/
publish_fixtures.py `inject_crash`), so production code carries no crash switch.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import dagster as dg
import duckdb

from ..quality.history import ensure_history, failed_blocking_results
from .bi_database import BI_DATABASE, STORAGE_VERSION, build_bi_database, is_live, swap_in

PUBLISHED_SCHEMA = "published"
VERSIONS_DIR = "_versions"
CURRENT = "current"
MANIFEST = "_publication.json"
STAGING_PREFIX = ".staging-"
KEEP_VERSIONS = 3
PUBLISH_LOG_DDL = """
create table if not exists quality.publish_log (
    run_id varchar, version varchar, published_at timestamp, tables varchar, total_rows bigint
)
"""
_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


@dataclass
class PublishResult:
    run_id: str
    version: str
    published_at: datetime
    tables: dict[str, int]  # published name -> rows
    publish_dir: Path
    version_dir: Path
    removed_tables: list[str] = field(default_factory=list)
    pruned_versions: list[str] = field(default_factory=list)

    @property
    def total_rows(self) -> int:
        return sum(self.tables.values())


def _utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def stage_parquet(con: duckdb.DuckDBPyConnection, source: str, target: Path) -> int:
    """Write relation `source` to the Parquet file `target`; return its row count."""
    quoted = str(target).replace("'", "''")
    con.execute(f"copy (select * from {source}) to '{quoted}' (format parquet, compression zstd)")
    return con.execute(f"select count(*) from {source}").fetchall()[0][0]


def write_published_table(con: duckdb.DuckDBPyConnection, source: str, name: str) -> None:
    """Create or replace `published.<name>` from `source` (inside publish's transaction)."""
    con.execute(f"create or replace table {PUBLISHED_SCHEMA}.{name} as select * from {source}")


def _validate(tables: Sequence[tuple[str, str]]) -> None:
    names = [name for _, name in tables]
    bad = [n for n in names if not _NAME.match(n)]
    if bad:
        raise ValueError(f"published names must be lower-case snake_case: {bad}")
    dupes = {n for n in names if names.count(n) > 1}
    if dupes:
        raise ValueError(f"published names used twice: {sorted(dupes)}")


def refuse_if_blocked(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    failed = failed_blocking_results(con, run_id)
    if failed:
        listed = "\n".join(f"- {asset} {source}:{check}: {observed or ''}"
                           for asset, check, source, observed in failed[:30])
        more = f"\n… and {len(failed) - 30} more" if len(failed) > 30 else ""
        raise dg.Failure(
            description=(f"Publication refused: {len(failed)} blocking (ERROR) check(s) failed "
                         f"in run {run_id}. The previous publication is unchanged.\n"
                         f"{listed}{more}"),
            metadata={"failed_blocking_checks": len(failed),
                      "checks": dg.MetadataValue.md(listed + more)},
            allow_retries=False,
        )


def _relink(link: Path, target: str) -> None:
    """Point `link` at `target` atomically (a new link renamed over the old one)."""
    tmp = link.with_name(f".{link.name}.tmp-{os.getpid()}")
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(target, tmp)
    os.replace(tmp, link)


def current_version(publish_dir: str | Path) -> str | None:
    link = Path(publish_dir) / CURRENT
    return Path(os.readlink(link)).name if link.is_symlink() else None


def switch_current(publish_dir: Path, version: str, names: Sequence[str]) -> list[str]:
    _relink(publish_dir / CURRENT, f"{VERSIONS_DIR}/{version}")
    for name in names:
        link = publish_dir / name
        if not link.is_symlink():
            if link.exists():
                raise FileExistsError(f"{link} exists and is not a link: move it away")
            _relink(link, f"{CURRENT}/{name}")
    removed = []
    for entry in publish_dir.iterdir():
        if entry.is_symlink() and entry.name != CURRENT and entry.name not in names \
                and os.readlink(entry).startswith(f"{CURRENT}/"):
            entry.unlink()
            removed.append(entry.name)
    return removed


def _prune(publish_dir: Path, keep: int, protect: set[str]) -> list[str]:
    versions_dir = publish_dir / VERSIONS_DIR
    pruned = []
    for stale in versions_dir.glob(f"{STAGING_PREFIX}*"):  # left by a killed process
        shutil.rmtree(stale, ignore_errors=True)
    versions = sorted(p for p in versions_dir.iterdir()
                      if p.is_dir() and not p.name.startswith("."))
    for old in versions[:-keep] if keep > 0 else versions:
        if old.name not in protect:
            shutil.rmtree(old, ignore_errors=True)
            pruned.append(old.name)
    return pruned


def reconcile(publish_dir: str | Path, con: duckdb.DuckDBPyConnection) -> str | None:
    """Re-point `current` at the version the warehouse last committed, if they differ (a crash
    between the DuckDB commit and the switch). Returns the version switched to, if any."""
    publish_dir = Path(publish_dir)
    ensure_history(con)
    con.execute(PUBLISH_LOG_DDL)
    rows = con.execute("select version, tables from quality.publish_log "
                       "order by published_at desc limit 1").fetchall()
    row = rows[0] if rows else None
    if row is None or not (publish_dir / VERSIONS_DIR / row[0]).is_dir():
        return None
    committed = publish_dir / VERSIONS_DIR / row[0]
    if current_version(publish_dir) == row[0]:
        if not is_live(publish_dir, committed):
            swap_in(publish_dir, committed)  # a crash between the switch and the swap
        return None
    switch_current(publish_dir, row[0], json.loads(row[1]))
    swap_in(publish_dir, committed)
    return row[0]


def publish(con: duckdb.DuckDBPyConnection, publish_dir: str | Path, run_id: str,
            tables: Sequence[tuple[str, str]], *,
            keep_versions: int = KEEP_VERSIONS) -> PublishResult:
    """Publish `tables` ([(source relation, published name)]) for run `run_id`: see the module
    docstring. Raises dg.Failure (and changes nothing) if a blocking check of the run failed."""
    _validate(tables)
    publish_dir = Path(publish_dir)
    ensure_history(con)
    refuse_if_blocked(con, run_id)
    con.execute(PUBLISH_LOG_DDL)
    versions_dir = publish_dir / VERSIONS_DIR
    versions_dir.mkdir(parents=True, exist_ok=True)
    reconcile(publish_dir, con)

    published_at = _utcnow()
    safe_run = re.sub(r"[^A-Za-z0-9_-]", "_", run_id)[:40]
    version = f"{published_at:%Y%m%dT%H%M%S%fZ}_{safe_run}"
    staging = versions_dir / f"{STAGING_PREFIX}{version}"
    final = versions_dir / version
    names = [name for _, name in tables]
    counts: dict[str, int] = {}

    # 2. stage the Parquet files, invisible to readers
    try:
        staging.mkdir()
        for source, name in tables:
            (staging / name).mkdir()
            counts[name] = stage_parquet(con, source, staging / name / "data.parquet")
        (staging / MANIFEST).write_text(json.dumps({
            "run_id": run_id, "version": version, "published_at": published_at.isoformat() + "Z",
            "tables": {n: {"rows": counts[n], "source": s, "path": f"{n}/data.parquet"}
                       for s, n in tables},
            "bi_database": {"path": BI_DATABASE, "storage_version": STORAGE_VERSION},
        }, indent=2), encoding="utf-8")
        build_bi_database(con, staging / BI_DATABASE, tables)
        os.replace(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise

    # 3. one DuckDB transaction for every published table
    try:
        con.execute("begin transaction")
        con.execute(f"create schema if not exists {PUBLISHED_SCHEMA}")
        for source, name in tables:
            write_published_table(con, source, name)
        existing = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = ?",
            [PUBLISHED_SCHEMA]).fetchall()]
        removed = sorted(set(existing) - set(names))
        for name in removed:
            kind = con.execute("select table_type from information_schema.tables "
                               "where table_schema = ? and table_name = ?",
                               [PUBLISHED_SCHEMA, name]).fetchall()[0][0]
            con.execute(f"drop {'view' if kind == 'VIEW' else 'table'} "
                        f"{PUBLISHED_SCHEMA}.{name}")
        con.execute("insert into quality.publish_log values (?, ?, ?, ?, ?)",
                    [run_id, version, published_at, json.dumps(names), sum(counts.values())])
        con.execute("commit")
    except BaseException:
        try:
            con.execute("rollback")
        except duckdb.Error:
            pass
        shutil.rmtree(final, ignore_errors=True)
        raise

    # 4. switch the Parquet pointer (DuckDB already says this version is published)
    switch_current(publish_dir, version, names)
    swap_in(publish_dir, final)
    pruned = _prune(publish_dir, keep_versions, protect={version})
    return PublishResult(run_id=run_id, version=version, published_at=published_at,
                         tables=counts, publish_dir=publish_dir, version_dir=final,
                         removed_tables=removed, pruned_versions=pruned)
