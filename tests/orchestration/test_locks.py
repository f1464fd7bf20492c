"""A step that finds the warehouse held by another process waits, says at INFO level what it
waits for (which file, who holds it, how long so far), and goes on once it is released.

The holder is a real separate process: a BI tool's read-only DuckDB connection, another run
holding `<warehouse>.lock`, or a writer. It lets go when the waiting step logs its INFO line
(never on a timer), so the test proves the wait is both visible and recovered from."""

import logging
import subprocess
import sys

import dagster as dg
import duckdb
import pytest

from dagster_project.quality.checks import build_contract_check
from dagster_project.resources import WarehouseResource, wait_log

HOLDERS = {
    # a BI tool connected to the warehouse: DuckDB's own file lock, shared
    "bi_read_only": "import duckdb; con = duckdb.connect(PATH, read_only=True)",
    # another run between two of its statements: our lock file
    "another_run": "from dagster_project.resources import warehouse_lock; "
                   "held = warehouse_lock(PATH); held.__enter__()",
    # a writer: DuckDB's own file lock, exclusive
    "writer": "import duckdb; con = duckdb.connect(PATH)",
}
# Print `held`, then keep holding until told (or, as a safety net only, for 120 s).
HOLD = "{open}\nprint('held', flush=True)\nimport select, sys\nselect.select([sys.stdin], [], [], 120)\n"


class Holder:
    def __init__(self, kind: str, path: str) -> None:
        code = HOLDERS[kind].replace("PATH", repr(path))
        self.process = subprocess.Popen([sys.executable, "-c", HOLD.format(open=code)],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        text=True)
        assert self.process.stdout.readline().strip() == "held"

    def release(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.write("release\n")
            self.process.stdin.flush()
        self.process.wait()


class ReleaseOnWait(logging.Handler):
    """Lets the holder go as soon as the waiting step says, at INFO, that it waits."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.holder: Holder | None = None
        self.said: list[tuple[int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.said.append((record.levelno, record.getMessage()))
        if self.holder is not None and "waiting for" in record.getMessage():
            self.holder.release()


@pytest.fixture
def release_on_wait():
    handler = ReleaseOnWait()
    wait_log.addHandler(handler)
    yield handler
    wait_log.removeHandler(handler)
    if handler.holder is not None:
        handler.holder.release()


@pytest.mark.parametrize("kind", ["bi_read_only", "another_run"])
def test_a_check_step_waits_for_a_held_warehouse_says_why_and_proceeds(
        tmp_path, kind, release_on_wait):
    path = str(tmp_path / "wh.duckdb")

    @dg.asset(key=["raw", "incidents"])
    def raw_incidents(warehouse: WarehouseResource) -> None:
        with warehouse.connect() as con:
            con.execute("create schema if not exists raw")
        # the warehouse is written; now someone else takes hold of it before the check runs
        release_on_wait.holder = Holder(kind, path)

    instance = dg.DagsterInstance.ephemeral()
    result = dg.materialize([raw_incidents, build_contract_check("incidents")],
                            instance=instance, raise_on_error=False,
                            resources={"warehouse": WarehouseResource(path=path)})
    assert result.success
    assert [e.passed for e in result.get_asset_check_evaluations()] == [True]
    pid = str(release_on_wait.holder.process.pid)
    waits = [e.user_message for e in instance.all_logs(result.run_id)
             if e.level == logging.INFO and "waiting for" in e.user_message]
    assert len(waits) == 1, waits
    assert path in waits[0] and pid in waits[0] and "so far" in waits[0]
    if kind == "bi_read_only":
        assert "published.duckdb" in waits[0]  # and tells BI tools where to go instead


def test_a_read_only_step_waits_for_a_writer_instead_of_failing(tmp_path, release_on_wait):
    path = str(tmp_path / "wh.duckdb")
    duckdb.connect(path).execute("create table t as select 42 as answer").close()
    release_on_wait.holder = Holder("writer", path)
    with WarehouseResource(path=path).connect(read_only=True) as con:  # the report's read
        assert con.execute("select answer from t").fetchall() == [(42,)]
    [(level, said)] = [s for s in release_on_wait.said if "waiting for" in s[1]]
    assert level == logging.INFO
    assert path in said and f"PID {release_on_wait.holder.process.pid}" in said


def test_every_check_step_is_retried_when_its_wait_runs_out():
    """A check that waited its full time for the lock is tried again later, as ingest is
    (they had no RetryPolicy: one long-held BI connection failed every check of the night)."""
    from dagster_project.quality.checks import quality_checks
    from dagster_project.retries import TRANSIENT_RETRY_POLICY

    assert quality_checks
    assert {c.node_def.retry_policy for c in quality_checks} == {TRANSIENT_RETRY_POLICY}
