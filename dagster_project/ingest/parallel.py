"""Read and validate one extract's new files side by side, in worker processes.

The costly part of loading a file (hashing its bytes, parsing it, typing and checking every cell)
needs nothing from the warehouse but the referenced values the anti-joins look up, so each file
is staged by a worker process with its own in-memory DuckDB. The warehouse itself (one writer)
stays with the night's process, which commits the files one at a time, in the order and with the
decisions of a serial load (load.py): a run with N workers writes what a run with one writes.

- The night opens each file (landing.py's checks) and hashes it (one streaming pass, which decides
  what is new, a duplicate or already loaded) before handing it over, and keeps it open until it
  is committed. A worker opens the same path and stages it only if it is the same file (device,
  inode, size, mtime); a file removed, replaced or changed in between is reported back and read
  by the night through its own descriptor, as a serial load reads it.
- The referenced columns (`org_structure`'s codes, `waste_schemes`' ids, ...) are handed over as a
  Parquet snapshot and loaded into each worker as `raw.<extract>`, so validate.py runs unchanged.
- A worker writes the clean typed rows and the failures to Parquet in a private (0700) scratch
  folder, removed when the file is committed and, whatever happens, when the extract is done.
- A worker that dies (killed for memory, a crash) breaks the pool: every file it held is staged
  again, one at a time, each in a fresh single worker, so the night's process never reads a file
  that kills its reader. A file whose worker dies twice is rejected without a content hash (so it
  is tried again next run, as an unreadable file is), and nothing of it is loaded.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from ..contracts import Contract
from .landing import OpenedFile
from .reader import CsvInspection, FileRejected, quote_ident, sql_string
from .validate import FAIL_TABLE, clean_rows_sql, validate

# What a worker found (Staged.status)
MOVED = "moved"  # not the file the night opened: the night reads it itself
REJECTED = "rejected"  # cannot be read as a whole
STAGED = "staged"  # read and validated: the Parquet is ready to commit
CRASHED = "crashed"  # its worker died, twice

CLEAN_FILE, FAILURES_FILE = "clean.parquet", "failures.parquet"
# A pool only for an extract with this much to read: starting a worker (a fresh interpreter
# importing DuckDB) costs about a second of CPU, a small file loads in some 50 ms, and a 30 MB
# ESR snapshot in about 1.5 s (benchmarks/results.md, "Ingest in parallel").
MIN_BYTES_FOR_A_POOL = 64 << 20
# The worker process is started fresh (spawn): forking a process whose DuckDB has threads running
# could copy a lock held by one of them.
START_METHOD = "spawn"


def file_identity(st: os.stat_result) -> tuple[int, int, int, int]:
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


@dataclass(frozen=True)
class ReferenceSnapshot:
    """The columns of raw.<extract> that a contract's references look up, as a Parquet file."""
    extract: str
    path: str


@dataclass(frozen=True)
class StageJob:
    contract: Contract
    path: str
    extract_date: date
    fmt: str
    identity: tuple[int, int, int, int]  # of the file the night opened and hashed
    inspection: CsvInspection | None  # what the night's hashing pass found (a CSV)
    references: tuple[ReferenceSnapshot, ...]
    out_dir: str  # this file's own folder in the scratch folder
    threads: int
    memory_limit: str

    @property
    def name(self) -> str:
        return Path(self.path).name

    @property
    def clean_path(self) -> Path:
        return Path(self.out_dir) / CLEAN_FILE

    @property
    def failures_path(self) -> Path:
        return Path(self.out_dir) / FAILURES_FILE


@dataclass(frozen=True)
class Staged:
    status: str
    message: str = ""  # REJECTED, CRASHED: the FileRejected message
    rows_in: int = 0  # as read
    typed_rows: int = 0  # as validated (checked against rows_in before commit)
    rows_quarantined: int = 0
    notes: tuple[str, ...] = ()
    seconds: float = 0.0


# --- in the worker ---------------------------------------------------------------------------

def stage_file(job: StageJob) -> Staged:
    """Read and validate one file into Parquet (runs in a worker process)."""
    from .load import read_landed  # imported here: load.py imports this module

    t0 = time.perf_counter()
    try:
        opened = OpenedFile(Path(job.path))
    except FileRejected:
        return Staged(MOVED)  # gone, or no longer a regular file: the night's descriptor decides
    with opened:
        if file_identity(opened.stat) != job.identity:
            return Staged(MOVED)
        con = duckdb.connect(config={"threads": job.threads, "memory_limit": job.memory_limit,
                                     "temp_directory": str(Path(job.out_dir) / "spill")})
        try:
            con.execute("SET enable_progress_bar = false")  # not on the night's output
            _attach_references(con, job.references)
            try:
                read = read_landed(con, opened, job.contract, job.fmt, job.inspection)
            except FileRejected as exc:
                return Staged(REJECTED, str(exc), seconds=time.perf_counter() - t0)
            checked = validate(con, job.contract, job.extract_date)
            _write_private(con, clean_rows_sql(job.contract), job.clean_path)
            _write_private(con, f"SELECT * FROM {FAIL_TABLE}", job.failures_path)
        finally:
            con.close()
    return Staged(STAGED, rows_in=read.rows_in, typed_rows=checked.rows_in,
                  rows_quarantined=checked.rows_quarantined, notes=tuple(read.notes),
                  seconds=time.perf_counter() - t0)


def _attach_references(con: duckdb.DuckDBPyConnection,
                       references: tuple[ReferenceSnapshot, ...]) -> None:
    con.execute("CREATE SCHEMA raw")
    for ref in references:
        con.execute(f"CREATE TABLE raw.{quote_ident(ref.extract)} AS "
                    f"SELECT * FROM read_parquet({sql_string(ref.path)})")


def _write_private(con: duckdb.DuckDBPyConnection, select: str, path: Path) -> None:
    """`select` to a Parquet file that only this account may read (rows stay in file order)."""
    con.execute(f"COPY ({select}) TO {sql_string(str(path))} (FORMAT parquet)")
    os.chmod(path, 0o600)


# --- in the night's process ------------------------------------------------------------------

def snapshot_references(con: duckdb.DuckDBPyConnection, contract: Contract,
                        scratch: Path) -> tuple[ReferenceSnapshot, ...]:
    """The referenced columns of each raw table `contract` looks up, as Parquet in `scratch`."""
    columns: dict[str, list[str]] = {}
    for ref in contract.references:
        columns.setdefault(ref.to_extract, [])
        if ref.to_column not in columns[ref.to_extract]:
            columns[ref.to_extract].append(ref.to_column)
    out = []
    for i, (extract, cols) in enumerate(columns.items()):
        path = scratch / f"reference_{i}.parquet"
        _write_private(con, f"SELECT DISTINCT {', '.join(quote_ident(c) for c in cols)} "
                            f"FROM raw.{quote_ident(extract)}", path)
        out.append(ReferenceSnapshot(extract, str(path)))
    return tuple(out)


@contextmanager
def scratch_folder() -> Iterator[Path]:
    """A private folder (0700, mkdtemp's mode) for the staged Parquet; removed on the way out."""
    path = Path(tempfile.mkdtemp(prefix="ingest_staged_"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def memory_per_worker(memory_limit: str, workers: int) -> str:
    """DuckDB's memory limit as DuckDB states it (`3.7 GiB`), shared among `workers` (at least
    256 MiB each: below that DuckDB spills even a small file). A limit stated otherwise is given
    to each worker as it is, rather than stopping the night."""
    units = {"bytes": 1, "kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12, "pb": 1e15,
             "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40, "pib": 2**50}
    found = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([A-Za-z]+)\s*", memory_limit)
    if not found or found[2].lower() not in units:
        return memory_limit
    total = float(found[1]) * units[found[2].lower()]
    return f"{max(int(total / workers) // 2**20, 256)}MiB"


class StagingPool:
    """Worker processes staging files (`stage_file`); a pool a worker died in is replaced."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._context = multiprocessing.get_context(START_METHOD)
        self._generation = 0
        self._executor = ProcessPoolExecutor(workers, mp_context=self._context)

    def submit(self, job: StageJob) -> Future:
        # `stage_file` is looked up at each call: a test can hand the workers another task
        try:
            future = self._executor.submit(stage_file, job)
        except BrokenProcessPool:  # a worker died since the last submit
            self._replace()
            future = self._executor.submit(stage_file, job)
        future.generation = self._generation
        return future

    def result(self, job: StageJob, future: Future) -> Staged:
        """The staged file; a file whose pool broke is staged again on its own."""
        try:
            return future.result()
        except BrokenProcessPool:
            if future.generation == self._generation:
                self._replace()
            return self._alone(job)

    def _replace(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
        self._generation += 1
        self._executor = ProcessPoolExecutor(self.workers, mp_context=self._context)

    def _alone(self, job: StageJob) -> Staged:
        """`job` in a worker of its own: if that one dies too, the file is the cause."""
        shutil.rmtree(job.out_dir, ignore_errors=True)  # whatever the dead worker left
        os.mkdir(job.out_dir, 0o700)
        with ProcessPoolExecutor(1, mp_context=self._context) as one:
            try:
                return one.submit(stage_file, job).result()
            except BrokenProcessPool:
                return Staged(CRASHED, str(FileRejected(
                    job.name, "the worker process reading it stopped abruptly, twice (killed, "
                              "out of memory or crashed); nothing of it was loaded; it is tried "
                              "again next run")))

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> StagingPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
