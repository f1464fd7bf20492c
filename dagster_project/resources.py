"""Resources, configured in one place: the DuckDB warehouse and the dbt CLI."""

from __future__ import annotations

import fcntl
import os
import re
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import dagster as dg
import duckdb

from .publish.bi_database import bi_database_path
from .settings import get_settings

# Every asset that writes the warehouse runs in this pool (limit 1 in dagster.yaml), so
# concurrent runs queue instead of failing on DuckDB's single-writer file lock.
DUCKDB_WRITER_POOL = "duckdb_writer"


# How long a writer waits for another process to finish with the warehouse.
LOCK_TIMEOUT_SECONDS = float(60 * 60)
# A waiting step says what it waits for at once, then again at most this often.
WAIT_NOTICE_SECONDS = 30.0

# Captured by Dagster into the step's event log; a plain Python logger outside a run.
wait_log = dg.get_dagster_logger("warehouse")

_held: dict[str, tuple[object, int]] = {}
_held_guard = threading.RLock()
_DUCKDB_HOLDER = re.compile(r"Conflicting lock is held in (.+?) \(PID (\d+)\)")


class WaitNotice:
    """The INFO line of a wait: which file, who holds it (when knowable), how long so far."""

    def __init__(self, target: str, hint: str = "") -> None:
        self.target, self.hint = target, hint
        self.started = time.monotonic()
        self.next_at = 0.0

    def __call__(self, holder: str) -> None:
        waited = time.monotonic() - self.started
        if waited < self.next_at:
            return
        self.next_at = waited + WAIT_NOTICE_SECONDS
        wait_log.info(f"waiting for {self.target}: held by {holder}; waited {waited:.0f} s "
                      f"so far{self.hint}")


def _holder_of(lock_path: str) -> str:
    """What the process holding `<warehouse>.lock` wrote into it when it took the lock."""
    try:
        with open(lock_path, encoding="utf-8", errors="replace") as f:
            said = f.read(200).strip()
    except OSError:
        said = ""
    return said or "another process (it did not say which)"


def _describe_self() -> str:
    """`pid 123 (python3.11 -m dagster_project run) since ...`: enough to find the process."""
    program = Path(sys.argv[0]).name if sys.argv and sys.argv[0] not in ("", "-c") else "-c"
    command = " ".join([Path(sys.executable).name, program, *sys.argv[1:3]])[:100]
    since = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"pid {os.getpid()} ({command}) since {since}"


@contextmanager
def warehouse_lock(path: str, timeout: float | None = None) -> Iterator[None]:
    """Hold `<warehouse>.lock` exclusively, waiting while another process holds it.

    DuckDB lets one process write a file at a time; this lock makes every step of every run
    (and dbt, and the report's read) take turns, whoever started them, and the operating system
    releases it when a process dies, so a killed run never leaves it held. Re-entrant within a
    process. The holder writes who it is into the lock file, so a waiter can say (INFO)."""
    key = os.path.abspath(path)
    timeout = LOCK_TIMEOUT_SECONDS if timeout is None else timeout
    with _held_guard:
        if key in _held:
            handle, depth = _held[key]
            _held[key] = (handle, depth + 1)
            acquired = False
        else:
            acquired = True
    if acquired:
        Path(key).parent.mkdir(parents=True, exist_ok=True)
        handle = open(key + ".lock", "a+", encoding="utf-8")  # noqa: SIM115 - held until released
        deadline = time.monotonic() + timeout
        notice = WaitNotice(f"{key}.lock (another run is using the warehouse)")
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    handle.close()
                    raise TimeoutError(f"waited {timeout:.0f} s for {key}.lock: another run "
                                       "is still using the warehouse") from None
                notice(_holder_of(key + ".lock"))
                time.sleep(0.2)
        handle.truncate(0)
        handle.write(_describe_self())
        handle.flush()
        with _held_guard:
            _held[key] = (handle, 1)
    try:
        yield
    finally:
        with _held_guard:
            handle, depth = _held[key]
            if depth > 1:
                _held[key] = (handle, depth - 1)
            else:
                del _held[key]
                handle.truncate(0)
                fcntl.flock(handle, fcntl.LOCK_UN)
                handle.close()


def duckdb_config() -> dict[str, str | int]:
    """Settings of every warehouse connection: all cores, and DUCKDB_MEMORY_LIMIT."""
    return {"threads": os.cpu_count() or 2,
            "memory_limit": get_settings().duckdb_memory_limit}


def _duckdb_holder(message: str) -> str:
    found = _DUCKDB_HOLDER.search(message)
    return (f"{Path(found.group(1)).name} (PID {found.group(2)})" if found
            else "another process")


def connect_warehouse(path: str | None = None, *, read_only: bool = False, retries: int = 20,
                      wait_seconds: float = 0.5) -> duckdb.DuckDBPyConnection:
    """Open the warehouse, waiting with backoff while another process holds DuckDB's file lock
    (any process with it open for writing, or for reading when we write: a BI tool too), and
    saying so at INFO level. Raises the lock error after `retries` waits (about 3 minutes by
    default); the step's RetryPolicy then tries again later."""
    target = path or str(get_settings().warehouse_path)
    bi_file = bi_database_path(get_settings().publish_dir)
    notice = WaitNotice(target, hint=" (if that is a BI tool: BI tools must not open the "
                                     f"warehouse, they read {bi_file})")
    for attempt in range(retries + 1):
        try:
            return duckdb.connect(target, read_only=read_only, config=duckdb_config())
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or attempt == retries:
                raise
            notice(_duckdb_holder(str(exc)))
            time.sleep(min(wait_seconds * 2**attempt, 10))
    raise AssertionError("unreachable")


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB file. An empty `path` means WAREHOUSE_PATH, read when a run needs it."""

    path: str = ""

    @property
    def resolved_path(self) -> str:
        return self.path or str(get_settings().warehouse_path)

    @contextmanager
    def lock(self) -> Iterator[None]:
        with warehouse_lock(self.resolved_path):
            yield

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        Path(self.resolved_path).parent.mkdir(parents=True, exist_ok=True)
        with warehouse_lock(self.resolved_path):
            con = connect_warehouse(self.resolved_path, read_only=read_only)
            try:
                yield con
            finally:
                con.close()
