"""What a failed run leaves behind: one clear line on stderr and a row in `ops.failed_runs`."""


import sys
from datetime import datetime, timezone

import dagster as dg

from .resources import connect_warehouse, warehouse_lock

# Every failure line starts so: log watchers can match it.
FAILURE_PREFIX = "PIPELINE FAILURE:"

FAILED_RUNS_DDL = """
create table if not exists ops.failed_runs (
    run_id varchar, job_name varchar, step_key varchar, asset_keys varchar,
    error_class varchar, message varchar, failed_at timestamp
)
"""


def asset_from_step_key(step_key: str) -> str:
    """An asset op is named after its key with `__` between parts (`raw__incidents`)."""
    return step_key.replace("__", "/")


def failure_line(step_key: str, exc: BaseException | None) -> str:
    if exc is None:
        cause = "unknown cause"
    else:
        text = str(exc).strip()
        cause = f"{type(exc).__name__}: {text.splitlines()[0] if text else ''}".rstrip(": ")
    return f"{FAILURE_PREFIX} {asset_from_step_key(step_key)} failed: {cause}"


@dg.failure_hook(required_resource_keys={"warehouse"})
def record_failed_run(context: dg.HookContext) -> None:
    exc = context.op_exception
    line = failure_line(context.step_key, exc)
    print(line, file=sys.stderr, flush=True)
    context.log.error(line)
    path = context.resources.warehouse.resolved_path
    try:
        with warehouse_lock(path, timeout=300):
            _record(path, context, exc, line)
    except Exception as err:  # recording must never hide the original failure
        context.log.warning(f"could not record the failed run: {err}")


def _record(path: str, context: dg.HookContext, exc: BaseException | None, line: str) -> None:
    con = connect_warehouse(path, retries=5)
    try:
        con.execute("create schema if not exists ops")
        con.execute(FAILED_RUNS_DDL)
        con.execute(
            "insert into ops.failed_runs values (?, ?, ?, ?, ?, ?, ?)",
            [context.run_id, context.job_name, context.step_key,
             asset_from_step_key(context.step_key),
             type(exc).__name__ if exc else None, line,
             datetime.now(timezone.utc).replace(tzinfo=None)],
        )
    finally:
        con.close()
