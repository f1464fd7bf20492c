"""Load an extract's landed files into `raw`, one transaction per file, applying the delivery rules.

Tables (schema `raw`, created when missing):
  raw.<extract>     the contract columns with their DuckDB types, in contract order, then the
                    lineage columns (`_extract_date`, `_file_name` (bare name), `_content_hash`
                    (sha256 of the file's bytes), `_row_number` (1 = first data row), `_loaded_at`).
                    Every delivered extract date is kept (history); staging picks the newest
                    extract date per key.
  raw.quarantine    one row per failing (row, column, rule): extract, file_name, row_number,
                    column_name, rule, value, loaded_at, plus extract_date and content_hash (so a
                    correction can replace a date's quarantine rows, and rows trace to bytes).
  raw.load_log      one row per file decision: extract, file_name, content_hash, rows_in,
                    rows_loaded, rows_quarantined, status (loaded | rejected | skipped_duplicate),
                    message, loaded_at, plus extract_date.

Delivery rules, per extract:
- Discovery picks, per extract date, the latest name in sort order (the correction wins).
- Incremental and idempotent: a file whose (name, content hash) already has a load-log row is not
  read again and nothing is recorded (re-running over the same folder changes nothing). A file is
  hashed once per version: `raw.landing_files` keeps each file's hash by (name, size, mtime), so
  a quiet night reads no bytes of the files it already knows. Files are hashed and checked a
  chunk at a time, never held in memory whole.
- The same bytes under another name, when that hash is already `loaded` for this extract, are
  recorded once as `skipped_duplicate` and change nothing else. (Literal reading of the spec: if
  a supplier re-sends an original after its correction, it is still a duplicate: resend it with
  different bytes, e.g. a new `_v3`.)
- A loaded file replaces the earlier delivery of the same extract date: in one transaction the
  date's rows in raw.<extract> and its quarantine rows are deleted, then the clean rows, the
  quarantine rows and the load-log row are inserted. This also works when the correction arrives
  in a later run, whatever order the dates arrive in.
- A rejected file (`FileRejected`) rolls its transaction back, so earlier data stays exactly as it
  was, and is recorded as `rejected` with its one-line message (rejection.py: file, line, column,
  rule, never content, at most 300 characters). So is a file that cannot be opened or read (a
  permission or I/O error: no content hash, and it is tried again every run until it is readable,
  recorded once), an entry the landing rules refuse (discovery.py: a link, FIFO, device or folder
  named like an extract file, a name with control characters, an extract date after tomorrow:
  also without a hash), and a file whose control file (`<name>.ctl`, control.py) does not match
  its bytes or its row count. No bad file stops the run: the other files and extracts go on.
- For every loaded file rows_in = rows_loaded + rows_quarantined (checked before commit).
- A missing referenced table (`ReferenceNotLoaded`) and any unexpected error roll back and raise:
  those are pipeline problems, not problems of the file, so nothing is recorded.
- With INGEST_WORKERS > 1, an extract's files are read and validated ahead by worker processes
  (parallel.py); hashing, every decision and every commit stay here, one file at a time, in
  name order, so the tables are those of a serial load.
`_loaded_at`/`loaded_at` are UTC (naive TIMESTAMP). Files still being written (modified less than
`file_stable_seconds` ago, by the wall clock) wait for the next run.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb

from ..contracts import CONTRACTS, LINEAGE_COLUMNS, Contract
from ..settings import get_settings
from .control import Control, check_hash, check_rows, read_control
from .discovery import LandedFile, discover
from .landing import OpenedFile, read_error
from . import parallel
from .reader import (
    STAGE_TABLE, UNNUMBERED, CsvInspection, FileRejected, ReadResult, file_sha256, inspect_csv,
    quote_ident, read_file, sql_string,
)
from .rejection import capped
from .validate import (
    FAIL_TABLE, TYPED_TABLE, ReferenceNotLoaded, ValidationResult, check_references_loaded,
    clean_rows_sql, validate,
)

log = logging.getLogger(__name__)

RAW_SCHEMA = "raw"
QUARANTINE_COLUMNS = (
    ("extract", "VARCHAR"), ("file_name", "VARCHAR"), ("row_number", "BIGINT"),
    ("column_name", "VARCHAR"), ("rule", "VARCHAR"), ("value", "VARCHAR"),
    ("loaded_at", "TIMESTAMP"), ("extract_date", "DATE"), ("content_hash", "VARCHAR"),
)
LOAD_LOG_COLUMNS = (
    ("extract", "VARCHAR"), ("file_name", "VARCHAR"), ("content_hash", "VARCHAR"),
    ("rows_in", "BIGINT"), ("rows_loaded", "BIGINT"), ("rows_quarantined", "BIGINT"),
    ("status", "VARCHAR"), ("message", "VARCHAR"), ("loaded_at", "TIMESTAMP"),
    ("extract_date", "DATE"),
)
# The content hash of each landed file by (name, size, mtime): a night with nothing new does not
# read a byte of the unchanged files (the content hash still decides, once per new version).
LANDING_FILE_COLUMNS = (
    ("extract", "VARCHAR"), ("file_name", "VARCHAR"), ("size_bytes", "BIGINT"),
    ("mtime_ns", "BIGINT"), ("content_hash", "VARCHAR"),
)
LOADED, REJECTED, SKIPPED_DUPLICATE = "loaded", "rejected", "skipped_duplicate"


@dataclass(frozen=True)
class FileResult:
    file_name: str
    extract_date: date | None  # None: a refused name with no readable date
    content_hash: str | None  # None: the bytes could not (or must not) be read
    status: str
    rows_in: int
    rows_loaded: int
    rows_quarantined: int
    message: str
    seconds: float = 0.0


@dataclass
class ExtractLoadResult:
    extract: str
    files: list[FileResult] = field(default_factory=list)  # decisions recorded in this run
    unchanged: list[str] = field(default_factory=list)  # already decided in an earlier run
    pending: list[str] = field(default_factory=list)  # still being written
    superseded: list[str] = field(default_factory=list)  # beaten by a later name, not read
    ignored: list[str] = field(default_factory=list)  # not named like an extract file

    def _count(self, status: str) -> int:
        return sum(f.status == status for f in self.files)

    @property
    def files_loaded(self) -> int:
        return self._count(LOADED)

    @property
    def files_rejected(self) -> int:
        return self._count(REJECTED)

    @property
    def files_skipped(self) -> int:
        return self._count(SKIPPED_DUPLICATE)

    @property
    def rows_in(self) -> int:
        return sum(f.rows_in for f in self.files)

    @property
    def rows_loaded(self) -> int:
        return sum(f.rows_loaded for f in self.files)

    @property
    def rows_quarantined(self) -> int:
        return sum(f.rows_quarantined for f in self.files)

    def markdown(self) -> str:
        """The per-file decisions as a markdown table (for Dagster metadata)."""
        if not self.files:
            return "_no new files_"
        lines = ["| file | status | rows in | loaded | quarantined | message |",
                 "|---|---|---:|---:|---:|---|"]
        for f in self.files:
            msg = f.message.replace("|", "\\|").replace("\n", " ")
            lines.append(f"| {f.file_name} | {f.status} | {f.rows_in} | {f.rows_loaded} | "
                         f"{f.rows_quarantined} | {msg} |")
        return "\n".join(lines)

    def summary(self) -> str:
        return (f"{self.extract}: {self.files_loaded} loaded, {self.files_rejected} rejected, "
                f"{self.files_skipped} skipped (duplicate), {len(self.unchanged)} unchanged, "
                f"{len(self.pending)} pending; rows in {self.rows_in}, loaded {self.rows_loaded}, "
                f"quarantined {self.rows_quarantined}")


# --- tables -------------------------------------------------------------------------------

def raw_columns(contract: Contract) -> tuple[tuple[str, str], ...]:
    return tuple((c.name, c.duckdb_type) for c in contract.columns) + tuple(LINEAGE_COLUMNS)


def _create(con: duckdb.DuckDBPyConnection, table: str, columns: Iterable[tuple[str, str]],
            addable: Iterable[str] = ()) -> None:
    """Create `table` if missing; a column in `addable` (an optional contract column added in
    a later release) missing from an existing table is added, its older rows null. Any other
    difference refuses the table: only an optional column can be added without a migration."""
    columns = tuple(columns)
    con.execute(f"CREATE TABLE IF NOT EXISTS {RAW_SCHEMA}.{quote_ident(table)} ("
                + ", ".join(f"{quote_ident(n)} {t}" for n, t in columns) + ")")

    def actual_columns() -> list[tuple[str, str]]:
        return [tuple(r) for r in con.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
            [RAW_SCHEMA, table]).fetchall()]

    actual = actual_columns()
    have = {n for n, _ in actual}
    added = [(n, t) for n, t in columns if n not in have and n in set(addable)]
    for name, type_ in added:
        con.execute(f"ALTER TABLE {RAW_SCHEMA}.{quote_ident(table)} "
                    f"ADD COLUMN {quote_ident(name)} {type_}")
    if added:
        actual = actual_columns()
    # Compared by name: a column added later sits at the end of an older table, and every
    # insert names its columns.
    if sorted(actual) != sorted(columns):
        raise RuntimeError(
            f"{RAW_SCHEMA}.{table} does not match its declaration: has "
            f"{[f'{n} {t}' for n, t in actual]}, expected {[f'{n} {t}' for n, t in columns]}; "
            "migrate or rebuild the warehouse")


def ensure_tables(con: duckdb.DuckDBPyConnection, contract: Contract | None = None) -> None:
    """Create schema raw, raw.quarantine, raw.load_log, raw.landing_files and (given)
    raw.<contract> if missing."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {RAW_SCHEMA}")
    _create(con, "quarantine", QUARANTINE_COLUMNS)
    _create(con, "load_log", LOAD_LOG_COLUMNS)
    _create(con, "landing_files", LANDING_FILE_COLUMNS)
    if contract is not None:
        _create(con, contract.name, raw_columns(contract),
                addable=(c.name for c in contract.columns if not c.required))


# --- fingerprints --------------------------------------------------------------------------

def known_fingerprints(con: duckdb.DuckDBPyConnection, extract: str) -> dict[tuple, str]:
    rows = con.execute(f"SELECT file_name, size_bytes, mtime_ns, content_hash "
                       f"FROM {RAW_SCHEMA}.landing_files WHERE extract = ?", [extract]).fetchall()
    return {(name, size, mtime): h for name, size, mtime, h in rows}


def remember_fingerprint(con: duckdb.DuckDBPyConnection, extract: str, name: str, stat,
                         content_hash: str) -> None:
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f"DELETE FROM {RAW_SCHEMA}.landing_files WHERE extract = ? AND file_name = ?",
                    [extract, name])
        con.execute(f"INSERT INTO {RAW_SCHEMA}.landing_files VALUES (?, ?, ?, ?, ?)",
                    [extract, name, stat.st_size, stat.st_mtime_ns, content_hash])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


# --- one file -----------------------------------------------------------------------------

def hash_landed(opened: OpenedFile, fmt: str) -> tuple[str, CsvInspection | None]:
    """The file's sha256, and for a CSV its inspection, made on the same pass. FileRejected if
    its bytes cannot be read (an I/O error: no hash, so the file is tried again next run)."""
    try:
        if fmt == "csv":
            inspection = inspect_csv(opened)
            return inspection.content_hash, inspection
        return file_sha256(opened), None
    except OSError as exc:
        raise FileRejected(opened.name, read_error(exc)) from None


def read_landed(con: duckdb.DuckDBPyConnection, opened: OpenedFile, contract: Contract,
                fmt: str, inspection: CsvInspection | None) -> ReadResult:
    """`read_file`, with an I/O error part way through the file a rejection of the file."""
    try:
        return read_file(con, opened, contract, fmt=fmt, inspection=inspection)
    except OSError as exc:
        raise FileRejected(opened.name, read_error(exc)) from None


def _utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _log_row(con: duckdb.DuckDBPyConnection, r: FileResult, extract: str, now: datetime) -> None:
    con.execute(
        f"INSERT INTO {RAW_SCHEMA}.load_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [extract, r.file_name, r.content_hash, r.rows_in, r.rows_loaded, r.rows_quarantined,
         r.status, r.message, now, r.extract_date])


def _drop_temp(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the staged rows (a table, or a view numbering a CSV's staged table), the typed rows
    and the failures."""
    kinds = dict(con.execute(
        "SELECT table_name, table_type FROM information_schema.tables "
        "WHERE table_catalog = 'temp'").fetchall())
    for t in (TYPED_TABLE, STAGE_TABLE, f"{STAGE_TABLE}{UNNUMBERED}", FAIL_TABLE,
              f"{FAIL_TABLE}_unvalued"):
        if t in kinds:
            kind = "VIEW" if kinds[t] == "VIEW" else "TABLE"
            con.execute(f"DROP {kind} IF EXISTS temp.main.{t}")


def _record(con: duckdb.DuckDBPyConnection, r: FileResult, extract: str, now: datetime) -> None:
    con.execute("BEGIN TRANSACTION")
    try:
        _log_row(con, r, extract, now)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def load_file(con: duckdb.DuckDBPyConnection, contract: Contract, landed: LandedFile,
              content_hash: str, now: datetime, inspection: CsvInspection | None = None, *,
              opened: OpenedFile, control: Control | None = None) -> FileResult:
    """Read, validate and load one file in one transaction (see module doc)."""
    t0 = time.perf_counter()
    try:
        # Reading and validating write only temp relations, before the transaction: inside
        # one, a new table's rowids are not its row positions (the stage numbers rows by them).
        try:
            read = read_landed(con, opened, contract, landed.fmt, inspection)
            if control is not None:
                check_rows(landed.name, control, read.rows_in)
            checked = validate(con, contract, landed.extract_date)
        except FileRejected as exc:
            return _rejected(con, contract, landed, content_hash, now, str(exc), t0)
        return _write_file(con, contract, landed, content_hash, now, read, checked, t0)
    finally:
        _drop_temp(con)


def _rejected(con: duckdb.DuckDBPyConnection, contract: Contract, landed: LandedFile,
              content_hash: str, now: datetime, message: str, t0: float) -> FileResult:
    result = FileResult(landed.name, landed.extract_date, content_hash, REJECTED, 0, 0, 0,
                        message, time.perf_counter() - t0)
    _record(con, result, contract.name, now)
    return result


def _write_file(con: duckdb.DuckDBPyConnection, contract: Contract, landed: LandedFile,
                content_hash: str, now: datetime, read: ReadResult, checked: ValidationResult,
                t0: float, clean: str | None = None, failures: str = FAIL_TABLE) -> FileResult:
    """Replace the extract date's rows with the validated file's, in one transaction. `clean`
    (a SELECT) and `failures` (a relation) are the validated rows: this connection's temp
    tables, or a worker's Parquet (parallel.py)."""
    clean = clean or clean_rows_sql(contract)
    table = f"{RAW_SCHEMA}.{quote_ident(contract.name)}"
    d = landed.extract_date
    con.execute("BEGIN TRANSACTION")
    try:
        if checked.rows_in != read.rows_in:
            raise AssertionError(
                f"{landed.name}: staged {read.rows_in} rows, typed {checked.rows_in}")
        earlier = [r[0] for r in con.execute(
            f"SELECT file_name FROM {RAW_SCHEMA}.load_log WHERE extract = ? AND extract_date = ? "
            "AND status = 'loaded' ORDER BY loaded_at DESC, rowid DESC LIMIT 1",
            [contract.name, d]).fetchall()]
        con.execute(f"DELETE FROM {table} WHERE _extract_date = ?", [d])
        con.execute(f"DELETE FROM {RAW_SCHEMA}.quarantine WHERE extract = ? AND extract_date = ?",
                    [contract.name, d])
        names = [n for n, _ in raw_columns(contract)]
        lineage = ", ".join(names[len(contract.columns):])
        cols = ", ".join(quote_ident(c.name) for c in contract.columns)
        loaded = con.execute(
            f"INSERT INTO {table} ({cols}, {lineage}) "
            f"SELECT {cols}, _extract_date, ?, ?, _row_number, ? FROM ({clean})",
            [landed.name, content_hash, now]).fetchall()[0][0]
        con.execute(
            f"INSERT INTO {RAW_SCHEMA}.quarantine "
            f"SELECT ?, ?, _row_number, column_name, rule, value, ?, ?, ? FROM {failures} "
            f"ORDER BY _row_number, column_name, rule",
            [contract.name, landed.name, now, d, content_hash])
        if loaded + checked.rows_quarantined != read.rows_in:
            raise AssertionError(f"{landed.name}: rows in {read.rows_in} != loaded {loaded} + "
                                 f"quarantined {checked.rows_quarantined}")
        by_rule = con.execute(
            f"SELECT rule, count(*) FROM {failures} GROUP BY rule ORDER BY 2 DESC, 1").fetchall()
        parts = [f"loaded {loaded} of {read.rows_in} rows"]
        if checked.rows_quarantined:
            parts.append(f"{checked.rows_quarantined} quarantined ("
                         + ", ".join(f"{rule}: {n}" for rule, n in by_rule) + ")")
        parts.extend(read.notes)
        if earlier:
            parts.append(f"replaces {', '.join(earlier)}")
        result = FileResult(landed.name, d, content_hash, LOADED, read.rows_in, loaded,
                            checked.rows_quarantined, capped("; ".join(parts)),
                            time.perf_counter() - t0)
        _log_row(con, result, contract.name, now)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return result


# --- one extract, all extracts --------------------------------------------------------------

def load_extract(con: duckdb.DuckDBPyConnection, contract: Contract, landing_dir: Path | str,
                 now: datetime | None = None, *,
                 stable_seconds: float | None = None,
                 progress: Callable[[int, int, int], None] | None = None) -> ExtractLoadResult:
    """Load every new file of `contract` waiting in `landing_dir/<extract>/`; `progress` is
    told (files done, files found, rows loaded so far) after each file."""
    now = now or _utc_now()
    if stable_seconds is None:
        stable_seconds = get_settings().file_stable_seconds
    ensure_tables(con, contract)
    found = discover(landing_dir, contract.name, stable_seconds=stable_seconds,
                     latest_date=latest_extract_date(now))
    result = ExtractLoadResult(contract.name, pending=list(found.pending),
                               superseded=[f.name for f in found.superseded],
                               ignored=list(found.ignored))
    history = con.execute(
        f"SELECT file_name, content_hash, status FROM {RAW_SCHEMA}.load_log WHERE extract = ?",
        [contract.name]).fetchall()
    seen = {(name, h) for name, h, _ in history}
    loaded_by_hash = {h: name for name, h, status in history if status == LOADED}
    fingerprints = known_fingerprints(con, contract.name)

    def unreadable(name: str, extract_date: date | None, message: str) -> FileResult | None:
        """A rejection with no content hash, recorded once (not again every night)."""
        if (name, None) in seen:
            return None
        r = FileResult(name, extract_date, None, REJECTED, 0, 0, 0, message)
        _record(con, r, contract.name, now)
        return r

    decisions = [unreadable(f.name, f.extract_date, str(FileRejected(f.name, f.reason)))
                 for f in found.refused]
    for landed, r in _decided(con, contract, found.to_load, now, fingerprints, seen,
                              loaded_by_hash, unreadable):
        decisions.append(r)
        if progress:
            progress(len(decisions) - len(found.refused), len(found.to_load),
                     sum(d.rows_loaded for d in decisions if d))
        if r is not None and r.status == LOADED:
            loaded_by_hash[r.content_hash] = landed.name
    for name, r in zip([f.name for f in found.refused] + [f.name for f in found.to_load],
                       decisions):
        if r is None:
            result.unchanged.append(name)
            continue
        seen.add((r.file_name, r.content_hash))
        if r.status == REJECTED:
            log.warning("%s: %s", contract.name, r.message)
        else:
            log.info("%s: %s %s: %s", contract.name, r.file_name, r.status, r.message)
        result.files.append(r)
    return result


def latest_extract_date(now: datetime) -> date:
    """The latest extract date a file name may carry: tomorrow (a supplier a time zone ahead),
    never decades ahead (the "not after the extract date" rules would let such rows through)."""
    return now.date() + timedelta(days=1)


def _load_landed(con: duckdb.DuckDBPyConnection, contract: Contract, landed: LandedFile,
                 opened: OpenedFile, now: datetime, fingerprints: dict, seen: set,
                 loaded_by_hash: dict) -> FileResult | None:
    """One opened file: hashed (unless known), then skipped, rejected or loaded, and recorded.
    None: unchanged since an earlier run. Raises FileRejected if its bytes cannot be read."""
    stat = opened.stat
    if _already_decided(landed.name, stat.st_size, stat.st_mtime_ns, fingerprints, seen):
        return None
    # new or changed: hash it (a CSV is inspected on the same pass)
    content_hash, inspection = hash_landed(opened, landed.fmt)
    remember_fingerprint(con, contract.name, landed.name, stat, content_hash)
    if (landed.name, content_hash) in seen:  # touched, same bytes
        return None
    r, control = _decided_by_hash(con, contract, landed, content_hash, now, loaded_by_hash)
    if r is not None:
        return r
    check_references_loaded(con, contract)  # one catalogue query: a load-order error raises
    return load_file(con, contract, landed, content_hash, now, inspection, opened=opened,
                     control=control)


def _decided_by_hash(con: duckdb.DuckDBPyConnection, contract: Contract, landed: LandedFile,
                     content_hash: str, now: datetime,
                     loaded_by_hash: dict) -> tuple[FileResult | None, Control | None]:
    """What the content hash alone decides, recorded: a control file that does not match
    (rejected), the same bytes already loaded (skipped_duplicate); else (None, its control)."""
    r = control = None
    try:
        control = read_control(landed.name, landed.control) if landed.control else None
        if control is not None:
            check_hash(landed.name, control, content_hash)
    except FileRejected as exc:
        r = FileResult(landed.name, landed.extract_date, content_hash, REJECTED, 0, 0, 0,
                       str(exc))
    if r is None and content_hash in loaded_by_hash:
        earlier = loaded_by_hash[content_hash]
        r = FileResult(landed.name, landed.extract_date, content_hash, SKIPPED_DUPLICATE,
                       0, 0, 0, capped(f"same bytes as {earlier}, already loaded"))
    if r is not None:
        _record(con, r, contract.name, now)
    return r, control


# --- the files of one extract: one by one, or staged side by side ------------------------------

Unreadable = Callable[[str, date | None, str], FileResult | None]


def _decided(con: duckdb.DuckDBPyConnection, contract: Contract, to_load: list[LandedFile],
             now: datetime, fingerprints: dict, seen: set, loaded_by_hash: dict,
             unreadable: Unreadable) -> Iterator[tuple[LandedFile, FileResult | None]]:
    """Each file and its decision (recorded), in order. The caller notes each loaded file in
    `loaded_by_hash` before asking for the next (a later file may be its duplicate)."""
    workers = _workers(con, contract, to_load, fingerprints, seen)
    if workers > 1:
        yield from _decided_in_parallel(con, contract, to_load, now, fingerprints, seen,
                                        loaded_by_hash, unreadable, workers)
        return
    for landed in to_load:
        try:
            with OpenedFile(landed.path) as opened:
                r = _load_landed(con, contract, landed, opened, now, fingerprints, seen,
                                 loaded_by_hash)
        except FileRejected as exc:  # not a regular file after all, or unreadable
            r = unreadable(landed.name, landed.extract_date, str(exc))
        yield landed, r


def _already_decided(name: str, size: int, mtime_ns: int, fingerprints: dict,
                     seen: set) -> bool:
    """This version of a file (its name, size and mtime, as listed or as opened) was hashed by
    an earlier run and its bytes decided: the common quiet night, where nothing is read."""
    known = fingerprints.get((name, size, mtime_ns))
    return known is not None and (name, known) in seen


def _workers(con: duckdb.DuckDBPyConnection, contract: Contract, to_load: list[LandedFile],
             fingerprints: dict, seen: set) -> int:
    """How many worker processes to stage this extract's files with: 1 (none started) for a
    single file to read, too few bytes to be worth starting workers, a contract that looks
    itself up (each file would need the one before), or a referenced table not loaded yet (the
    serial load raises for it, in its place)."""
    to_read = [f for f in to_load
               if not _already_decided(f.name, f.size, f.mtime_ns, fingerprints, seen)]
    wanted = min(get_settings().ingest_workers, len(to_read))
    if (wanted <= 1 or sum(f.size for f in to_read) < parallel.MIN_BYTES_FOR_A_POOL
            or any(r.to_extract == contract.name for r in contract.references)):
        return 1
    try:
        check_references_loaded(con, contract)
    except ReferenceNotLoaded:
        return 1
    return wanted


@dataclass
class _InFlight:
    landed: LandedFile
    opened: OpenedFile | None = None  # held open until committed
    refused: FileRejected | None = None  # could not be opened or hashed
    content_hash: str | None = None  # None: a version already decided, not hashed again
    inspection: CsvInspection | None = None
    job: parallel.StageJob | None = None  # None: decided by its hash, nothing to stage
    future: Future | None = None


def _decided_in_parallel(con: duckdb.DuckDBPyConnection, contract: Contract,
                         to_load: list[LandedFile], now: datetime, fingerprints: dict,
                         seen: set, loaded_by_hash: dict, unreadable: Unreadable,
                         workers: int) -> Iterator[tuple[LandedFile, FileResult | None]]:
    """The serial decisions, with each file's reading and validation done ahead by a worker
    (parallel.py). Files are opened and hashed here, in order, at most two per worker ahead of
    the one being committed; every write to the warehouse is made in the serial order."""
    limit = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    with parallel.scratch_folder() as scratch, parallel.StagingPool(workers) as pool:
        references = parallel.snapshot_references(con, contract, scratch)
        ahead: deque[_InFlight] = deque()
        queue = iter(enumerate(to_load))

        def hand_over(i: int, landed: LandedFile) -> _InFlight:
            f = _InFlight(landed)
            try:
                f.opened = OpenedFile(landed.path)
                stat = f.opened.stat
                if _already_decided(landed.name, stat.st_size, stat.st_mtime_ns, fingerprints,
                                    seen):
                    return f
                f.content_hash, f.inspection = hash_landed(f.opened, landed.fmt)
            except FileRejected as exc:
                f.refused = exc
                return f
            if (landed.name, f.content_hash) in seen or f.content_hash in loaded_by_hash:
                return f
            out = scratch / f"{i:06d}"
            out.mkdir(mode=0o700)
            f.job = parallel.StageJob(
                contract, str(landed.path), landed.extract_date, landed.fmt,
                parallel.file_identity(stat), f.inspection, references, str(out),
                threads=max(1, (os.cpu_count() or 1) // workers),
                memory_limit=parallel.memory_per_worker(limit, workers))
            f.future = pool.submit(f.job)
            return f

        try:
            while True:
                while len(ahead) < 2 * workers and (nxt := next(queue, None)) is not None:
                    ahead.append(hand_over(*nxt))
                if not ahead:
                    return
                f = ahead.popleft()
                try:
                    if f.refused is not None:
                        r = unreadable(f.landed.name, f.landed.extract_date, str(f.refused))
                    elif f.content_hash is None:  # known as listed and as opened: not read
                        r = _load_landed(con, contract, f.landed, f.opened, now, fingerprints,
                                         seen, loaded_by_hash)
                    else:
                        r = _commit_staged(con, contract, f, pool, now, seen, loaded_by_hash,
                                           unreadable)
                finally:
                    _finished(f)
                yield f.landed, r
        finally:
            for f in ahead:
                _finished(f)


def _finished(f: _InFlight) -> None:
    if f.future is not None:
        f.future.cancel()  # decided without it (a duplicate of a file loaded meanwhile)
    if f.opened is not None:
        f.opened.close()
    if f.job is not None:
        shutil.rmtree(f.job.out_dir, ignore_errors=True)


def _commit_staged(con: duckdb.DuckDBPyConnection, contract: Contract, f: _InFlight,
                   pool: parallel.StagingPool, now: datetime, seen: set, loaded_by_hash: dict,
                   unreadable: Unreadable) -> FileResult | None:
    """A hashed file decided as `_load_landed` decides it, its worker's rows committed."""
    landed, opened, content_hash = f.landed, f.opened, f.content_hash
    remember_fingerprint(con, contract.name, landed.name, opened.stat, content_hash)
    if (landed.name, content_hash) in seen:
        return None
    r, control = _decided_by_hash(con, contract, landed, content_hash, now, loaded_by_hash)
    if r is not None:
        return r
    staged = pool.result(f.job, f.future) if f.job is not None else None
    if staged is None or staged.status == parallel.MOVED:  # read here, through our descriptor
        return load_file(con, contract, landed, content_hash, now, f.inspection, opened=opened,
                         control=control)
    if staged.status == parallel.CRASHED:
        return unreadable(landed.name, landed.extract_date, staged.message)
    t0 = time.perf_counter() - staged.seconds
    if staged.status == parallel.REJECTED:
        return _rejected(con, contract, landed, content_hash, now, staged.message, t0)
    try:
        if control is not None:
            check_rows(landed.name, control, staged.rows_in)
    except FileRejected as exc:
        return _rejected(con, contract, landed, content_hash, now, str(exc), t0)
    return _write_file(
        con, contract, landed, content_hash, now,
        ReadResult(staged.rows_in, list(staged.notes)),
        ValidationResult(staged.typed_rows, staged.rows_quarantined, 0), t0,
        clean=f"SELECT * FROM read_parquet({sql_string(str(f.job.clean_path))})",
        failures=f"read_parquet({sql_string(str(f.job.failures_path))})")


def load_order(contracts: Iterable[Contract] = CONTRACTS) -> list[Contract]:
    """The contracts in declaration order, moved after what they reference (stable topo sort)."""
    pending = list(contracts)
    names = {c.name for c in pending}
    done: list[Contract] = []
    while pending:
        for c in pending:
            needs = {r.to_extract for r in c.references} & names - {c.name}
            if needs <= {d.name for d in done}:
                done.append(c)
                pending.remove(c)
                break
        else:
            raise ValueError(f"reference cycle among {[c.name for c in pending]}")
    return done


def load_all(con: duckdb.DuckDBPyConnection, landing_dir: Path | str,
             now: datetime | None = None, *, stable_seconds: float | None = None,
             contracts: Iterable[Contract] = CONTRACTS) -> dict[str, ExtractLoadResult]:
    """Load every contract's folder, referenced extracts first (org_structure, waste_schemes)."""
    return {c.name: load_extract(con, c, landing_dir, now, stable_seconds=stable_seconds)
            for c in load_order(contracts)}
