"""The run's console: one line per finished step, progress of long steps, no DEBUG events.

(No `from __future__ import annotations`: Dagster reads the context annotation at runtime.)"""

import io

import dagster as dg

from dagster_project.console import PROGRESS_MARK, Progress, console_logger


def small_job():
    @dg.asset(key=["raw", "incidents"])
    def incidents(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        context.log.info(PROGRESS_MARK + "12 of 36 files, 40,000 rows (9,000 rows/s)")
        context.log.debug("incidents_20250131.csv: loaded: 3,000 rows")
        return dg.MaterializeResult(metadata={"files_loaded": 36, "rows_loaded": 146650,
                                              "rows_quarantined": 0, "files_rejected": 1})

    @dg.asset_check(asset=incidents, name="contract")
    def contract() -> dg.AssetCheckResult:
        return dg.AssetCheckResult(passed=True)

    @dg.asset(key=["report", "integrated_performance_report"], deps=[incidents])
    def report(context: dg.AssetExecutionContext) -> None:
        context.log.warning("measure Q99 has no data")
        raise ValueError("cannot draw")

    @dg.asset(deps=[report])
    def after() -> None:
        pass

    defs = dg.Definitions(assets=[incidents, report, after], asset_checks=[contract])
    return defs.resolve_implicit_global_asset_job_def()


def run_with_console(job) -> list[str]:
    out = io.StringIO()
    job = job.with_logger_defs({"console": console_logger(out)})
    job.execute_in_process(run_config={"loggers": {"console": {}}}, raise_on_error=False)
    return out.getvalue().splitlines()


def test_one_line_per_finished_step_and_no_debug_events():
    lines = run_with_console(small_job())
    text = "\n".join(lines)
    [ingest] = [line for line in lines if "raw/incidents " in line]
    assert ingest.startswith("✓ raw/incidents") and "36 files, 146,650 rows" in ingest
    assert "1 files rejected" in ingest and ingest.endswith(" s")
    assert any(line.startswith("✓ 1 check step passed") for line in lines)
    assert any(line.startswith("✗ report/integrated_performance_report")
               and "ValueError: cannot draw" in line for line in lines)
    assert any(line.startswith("- after") and "not run" in line for line in lines)
    assert "  … raw/incidents: 12 of 36 files, 40,000 rows (9,000 rows/s)" in lines
    assert "  ! report/integrated_performance_report: measure Q99 has no data" in lines
    for hidden in ("STEP_START", "DEBUG", "incidents_20250131.csv", "RESOURCE_INIT", "HOOK"):
        assert hidden not in text
    assert len(lines) <= 7, text


def test_progress_waits_then_speaks_at_most_every_interval():
    said = []
    progress = Progress(said.append, every=3600)
    progress(1, 10, "one")
    assert said == []  # a quick step says nothing
    progress = Progress(said.append, every=0)
    progress(1, 10, "one")
    progress(10, 10, "all")  # the finished line says that
    assert said == [PROGRESS_MARK + "one"]


def test_a_multi_asset_step_says_how_many_of_its_tables_were_carried():
    @dg.multi_asset(specs=[dg.AssetSpec(["marts", name]) for name in ("a", "b", "c")])
    def models():
        yield dg.MaterializeResult(asset_key=["marts", "a"])
        for name in ("b", "c"):  # as the dbt step says of a node it did not rebuild
            yield dg.MaterializeResult(asset_key=["marts", name],
                                       metadata={"carried_from_run": "abc123"})

    job = dg.Definitions(assets=[models]).resolve_implicit_global_asset_job_def()
    [line] = [line for line in run_with_console(job) if line.startswith("✓ models")]
    assert "3 tables (2 unchanged, carried)" in line
