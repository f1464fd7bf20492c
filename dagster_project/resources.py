"""Resources, configured in one place: the DuckDB warehouse and the dbt CLI."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
import duckdb

from .settings import get_settings

# Every asset that writes the warehouse runs in this pool (limit 1 in dagster.yaml), so
# concurrent runs queue instead of failing on DuckDB's single-writer file lock.
DUCKDB_WRITER_POOL = "duckdb_writer"


def connect_warehouse(path: str | None = None, *, retries: int = 20,
                      wait_seconds: float = 0.5) -> duckdb.DuckDBPyConnection:
    """Open the warehouse, waiting with backoff while another process holds its lock."""
    target = path or str(get_settings().warehouse_path)
    for attempt in range(retries + 1):
        try:
            return duckdb.connect(target, config={"threads": 2})
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
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        from pathlib import Path

        Path(self.resolved_path).parent.mkdir(parents=True, exist_ok=True)
        con = connect_warehouse(self.resolved_path)
        try:
            yield con
        finally:
            con.close()
