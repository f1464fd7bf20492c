"""What a step retries: a transient error (a lock, an I/O hiccup) yes; a deterministic failure
(a failed dbt test, a Failure with allow_retries=False, a bug) or a stop signal never.

(No `from __future__ import annotations`: Dagster reads the context annotation at runtime.)"""

import shutil

import dagster as dg
import duckdb
import pytest

from dagster_project.retries import (
    TRANSIENT_RETRY_POLICY, WarehouseBusy, is_transient, only_transient_retried,
)

QUICK = dg.RetryPolicy(max_retries=2, delay=0)


def attempts(result: dg.ExecuteInProcessResult, step: str) -> int:
    return sum(1 for e in result.all_events
               if e.event_type_value in ("STEP_START", "STEP_RESTARTED") and e.step_key == step)


def retries(result: dg.ExecuteInProcessResult) -> int:
    return sum(1 for e in result.all_events if e.event_type_value == "STEP_UP_FOR_RETRY")


def run_step(raise_on_attempt: dict[int, BaseException]) -> dg.ExecuteInProcessResult:
    """One asset with the project's retry policy, raising on the attempts given."""
    @dg.asset(retry_policy=TRANSIENT_RETRY_POLICY)
    def step(context: dg.AssetExecutionContext) -> None:
        with only_transient_retried("step", context.retry_number, QUICK):
            if context.retry_number in raise_on_attempt:
                raise raise_on_attempt[context.retry_number]

    return dg.materialize([step], raise_on_error=False)


@pytest.mark.parametrize("exc", [
    duckdb.IOException('Could not set lock on file "w.duckdb": Conflicting lock is held'),
    TimeoutError("waited 3600 s for w.duckdb.lock"),
    OSError(5, "Input/output error"),
    WarehouseBusy("dbt build: the warehouse was locked by another process"),
])
def test_a_transient_error_is_retried(exc):
    result = run_step({0: exc})
    assert result.success
    assert attempts(result, "step") == 2


@pytest.mark.parametrize("exc", [
    ValueError("a bug"),
    FileNotFoundError("landing/incidents"),
    duckdb.IOException("No such file or directory"),
    dg.Failure(description="contract broken"),  # a Failure that forgot allow_retries=False
    dg.DagsterExecutionInterruptedError(),  # SIGTERM/SIGINT inside the step
    KeyboardInterrupt(),
])
def test_a_deterministic_failure_or_a_signal_runs_once(exc):
    result = run_step({0: exc, 1: exc, 2: exc})
    assert not result.success
    assert attempts(result, "step") == 1
    assert retries(result) == 0


def test_transient_errors():
    assert is_transient(duckdb.IOException("Could not set lock on file"))
    assert is_transient(duckdb.TransactionException("Transaction conflict"))
    assert is_transient(ConnectionResetError())
    assert not is_transient(PermissionError("landing"))
    assert not is_transient(RuntimeError("Query interrupted"))


@pytest.mark.integration
def test_a_failing_dbt_test_runs_dbt_once(tiny_night, tmp_path):
    """A raw row with more A&E attendances within 4 hours than attendances fails a dbt test:
    `dbt build` runs once and the step fails naming the test (the old policy ran it thrice)."""
    from dagster_project.definitions import build_definitions
    from dagster_project.jobs import NIGHTLY_JOB_NAME
    from dagster_project.transform.assets import build_dbt_assets

    from ..conftest import environment, make_env

    env = make_env(tmp_path)
    shutil.copyfile(tiny_night.warehouse, env.warehouse)
    con = duckdb.connect(str(env.warehouse))
    con.execute("update raw.activity set ae_within_4h = ae_attendances + 1 "
                "where _row_number = 1")
    con.close()
    with environment(env.variables):
        job = build_definitions().resolve_job_def(NIGHTLY_JOB_NAME)
        result = job.execute_in_process(instance=dg.DagsterInstance.ephemeral(),
                                        asset_selection=list(build_dbt_assets().keys),
                                        raise_on_error=False)
    assert not result.success
    assert attempts(result, "dbt_models") == 1
    assert retries(result) == 0
    [failure] = [e for e in result.all_events if e.is_step_failure]
    message = failure.event_specific_data.error.message
    assert "dbt build failed" in message and "stg_reference__activity" in message
