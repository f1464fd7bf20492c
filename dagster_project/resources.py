"""Resources, configured in one place: the DuckDB warehouse and the dbt CLI."""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from .settings import get_settings

# Every asset that writes the warehouse runs in this pool (limit 1 in dagster.yaml), so
# concurrent runs queue instead of failing on DuckDB's single-writer file lock.
DUCKDB_WRITER_POOL = "duckdb_writer"


# How long a writer waits for another process to finish with the warehouse.
LOCK_TIMEOUT_SECONDS = float(60 * 60)

_held: dict[str, tuple[object, int]] = {}
_held_guard = threading.RLock()


@contextmanager
def warehouse_lock(path: str, timeout: float | None = None) -> Iterator[None]:
    """Hold `<warehouse>.lock` exclusively, waiting while another process holds it.

    DuckDB lets one process write a file at a time; this lock makes every step of every run
    (and dbt, and the report's read) take turns, whoever started them, and the operating system
    releases it when a process dies, so a killed run never leaves it held. Re-entrant within a
    process."""
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
        handle = open(key + ".lock", "a")  # noqa: SIM115 - held until released below
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    handle.close()
                    raise TimeoutError(f"waited {timeout:.0f} s for {key}.lock: another run "
                                       "is still using the warehouse") from None
                time.sleep(0.2)
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
                fcntl.flock(handle, fcntl.LOCK_UN)
                handle.close()


def duckdb_config() -> dict[str, str | int]:
    """Settings of every warehouse connection: all cores, and DUCKDB_MEMORY_LIMIT."""
    return {"threads": os.cpu_count() or 2,
            "memory_limit": get_settings().duckdb_memory_limit}


def connect_warehouse(path: str | None = None, *, retries: int = 20,
                      wait_seconds: float = 0.5) -> duckdb.DuckDBPyConnection:
    """Open the warehouse, waiting with backoff while another process holds its lock."""
    target = path or str(get_settings().warehouse_path)
    for attempt in range(retries + 1):
        try:
            return duckdb.connect(target, config=duckdb_config())
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or attempt == retries:
                raise
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
            con = (duckdb.connect(self.resolved_path, read_only=True, config=duckdb_config())
                   if read_only
                   else connect_warehouse(self.resolved_path))
            try:
                yield con
            finally:
                con.close()
