"""Runs the main job in this process and prints where everything went."""

from __future__ import annotations

import os
import time

import dagster as dg

from .resources import connect_warehouse, warehouse_lock
from .settings import get_settings
from .timings import StepTiming, run_window, step_timings, write_timings

# The default synthetic trust for a first run: the full shape of the trust (3 sites, 18 CSUs,
# ~150 wards) over 36 months; see the README for the sizes.
DEFAULT_SYNTHETIC = {"months": 36}


def landing_is_empty(landing) -> bool:
    return not landing.exists() or not any(p.is_file() for p in landing.rglob("*"))


def run_main_job(*, full_refresh: bool = False, synthetic: bool = True,
                 started: float | None = None, extracts: list[str] | None = None,
                 timings_path: str | None = None) -> bool:
    """Run the main job; `extracts` narrows it to those ingestion assets and everything
    downstream of them (what the landing sensor does for new files)."""
    started = time.monotonic() if started is None else started
    settings = get_settings()
    if synthetic and landing_is_empty(settings.landing_dir):
        from .synthetic import generate

        print(f"Landing folder {settings.landing_dir} is empty: generating a synthetic trust")
        generate(settings.landing_dir, progress=True, **DEFAULT_SYNTHETIC)

    from .definitions import build_definitions
    from .jobs import NIGHTLY_JOB_NAME

    defs = build_definitions()
    job = defs.resolve_job_def(NIGHTLY_JOB_NAME)
    run_config = {"ops": {"dbt_models": {"config": {"full_refresh": full_refresh}}}}
    if os.environ.get("DAGSTER_HOME"):
        # Two runs starting at once on a new DAGSTER_HOME would both create its SQLite tables
        # (and one fails: "table ... already exists"): they take turns opening the instance.
        with warehouse_lock(os.path.join(os.environ["DAGSTER_HOME"], "instance")):
            instance = dg.DagsterInstance.get()
    else:
        instance = dg.DagsterInstance.ephemeral()
    selection = None
    if extracts:
        from .sensors import assets_to_refresh

        selection = assets_to_refresh(extracts, defs.resolve_asset_graph())
    result = job.execute_in_process(instance=instance, run_config=run_config,
                                    raise_on_error=False, asset_selection=selection)
    records = list(instance.all_logs(result.run_id))  # read once: thousands of dbt events
    timings = step_timings(instance, result.run_id, records)
    if timings_path:
        window = run_window(records) or (None, None)
        write_timings(timings_path, timings, run_id=result.run_id, success=result.success,
                      first_event=window[0], last_event=window[1])
    print(summary(result, time.monotonic() - started, timings))
    return result.success


def load_summary(warehouse: str) -> list[str]:
    """Files and rows per extract, from the load log."""
    lines = [f"{'extract':<22}{'files':>7}{'rejected':>10}{'skipped':>9}"
             f"{'rows loaded':>14}{'quarantined':>13}"]
    con = connect_warehouse(warehouse, retries=5)
    try:
        rows = con.execute("""
            select extract,
                   count(*) filter (where status = 'loaded') as files_loaded,
                   count(*) filter (where status = 'rejected') as files_rejected,
                   count(*) filter (where status = 'skipped_duplicate') as files_skipped,
                   coalesce(sum(rows_loaded), 0), coalesce(sum(rows_quarantined), 0)
            from raw.load_log
            group by extract order by extract""").fetchall()
    except Exception as exc:  # a summary must never hide the run's own outcome
        return [f"(no load log yet: {exc.__class__.__name__})"]
    finally:
        con.close()
    for extract, loaded, rejected, skipped, rows_loaded, quarantined in rows:
        lines.append(f"{extract:<22}{loaded:>7}{rejected:>10}{skipped:>9}"
                     f"{rows_loaded:>14,}{quarantined:>13,}")
    return lines


def slowest_steps(timings: list[StepTiming], n: int = 5) -> list[str]:
    by_stage: dict[str, float] = {}
    for t in timings:
        by_stage[t.stage] = by_stage.get(t.stage, 0.0) + t.seconds
    stages = ", ".join(f"{stage} {sec:.1f}s" for stage, sec in
                       sorted(by_stage.items(), key=lambda kv: -kv[1]))
    slow = sorted(timings, key=lambda t: -t.seconds)[:n]
    return [f"Time by stage:  {stages}",
            "Slowest steps:  " + ", ".join(f"{t.step_key} {t.seconds:.1f}s" for t in slow)]


def summary(result: dg.ExecuteInProcessResult, seconds: float,
            timings: list[StepTiming] = ()) -> str:
    settings = get_settings()
    lines = ["", "=" * 78,
             f"Run {result.run_id}: {'SUCCEEDED' if result.success else 'FAILED'} "
             f"in {seconds:.1f} s", "-" * 78]
    with warehouse_lock(str(settings.warehouse_path)):
        lines += load_summary(str(settings.warehouse_path))
    if timings:
        lines += ["-" * 78, *slowest_steps(list(timings))]
    failed = [e.step_key for e in result.all_events if e.is_step_failure]
    if failed:
        lines.append("-" * 78)
        lines.append("Failed steps: " + ", ".join(sorted(set(failed))))
    lines += ["-" * 78,
              f"Warehouse (DuckDB): {settings.warehouse_path}",
              f"Published tables:   schema `published` in the warehouse; Parquet under "
              f"{settings.publish_dir / 'current'}",
              f"Report:             {settings.report_dir / 'index.html'}",
              "=" * 78]
    return "\n".join(lines)
