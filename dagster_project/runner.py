"""Runs the main job in this process and prints where everything went."""

from __future__ import annotations

import os
import shutil
import signal
import sys
import time
from contextlib import redirect_stdout
from dataclasses import dataclass
from datetime import UTC, datetime

import dagster as dg

from .console import console_logger
from .interrupts import Interrupted, SignalsSeen, exit_status, stop_on_signals
from .publish.bi_database import bi_database_path
from .resources import connect_warehouse, warehouse_lock
from .settings import PROJECT_ROOT, get_settings
from .timings import StepTiming, run_window, step_timings, write_timings

# The default synthetic trust for a first run: the full shape of the trust (3 sites, 18 CSUs,
# ~150 wards) over 36 months; see the README for the sizes.
DEFAULT_SYNTHETIC = {"months": 36}
# The summary waits at most this long for another run to release the warehouse.
SUMMARY_LOCK_SECONDS = 30.0


def landing_is_empty(landing) -> bool:
    return not landing.exists() or not any(p.is_file() for p in landing.rglob("*"))


def open_instance() -> dg.DagsterInstance:
    """The persistent Dagster instance in DAGSTER_HOME (default `.dagster_home/`, as `make`
    uses), so every run is in the UI's history; prepared on first use as `make setup` does."""
    home = get_settings().dagster_home
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        shutil.copyfile(PROJECT_ROOT / "dagster.yaml", config)
    # Two runs starting at once on a new DAGSTER_HOME would both create its SQLite tables
    # (and one fails: "table ... already exists"): they take turns opening the instance.
    with warehouse_lock(str(home / "instance")):
        return dg.DagsterInstance.from_config(str(home))


@dataclass(frozen=True)
class Outcome:
    result: dg.ExecuteInProcessResult
    instance: dg.DagsterInstance
    loads_since: datetime  # when the run started, as raw.load_log.loaded_at (naive UTC)


def run_main_job(*, full_refresh: bool = False, synthetic: bool = True,
                 started: float | None = None, extracts: list[str] | None = None,
                 timings_path: str | None = None, verbose: bool = False) -> int:
    """Run the main job; `extracts` narrows it to those ingestion assets and everything
    downstream of them (what the landing sensor does for new files). Returns the exit status:
    0 succeeded, 1 failed, 128 + the signal's number when SIGINT or SIGTERM stopped it."""
    started = time.monotonic() if started is None else started
    with stop_on_signals() as signals:
        try:
            outcome = _execute(full_refresh, synthetic, extracts, verbose, signals)
        except Interrupted:
            outcome = None
        stopped_by = signals.first()
        if outcome is None or (stopped_by and not outcome.result.success):
            signum = stopped_by or signal.SIGINT
            from .transform.assets import stop_running_dbt

            stop_running_dbt()
            print(interrupted_summary(outcome, signum, time.monotonic() - started), flush=True)
            return exit_status(signum)
        try:
            result = outcome.result
            records = list(outcome.instance.all_logs(result.run_id))  # thousands of dbt events
            timings = step_timings(outcome.instance, result.run_id, records)
            if timings_path:
                window = run_window(records) or (None, None)
                write_timings(timings_path, timings, run_id=result.run_id,
                              success=result.success, first_event=window[0],
                              last_event=window[1])
            print(summary(result, time.monotonic() - started, timings,
                          since=outcome.loads_since), flush=True)
        except Interrupted as stop:  # stopped while summing up: the run itself is over
            return exit_status(stop.signum)
    return 0 if result.success else 1


def _execute(full_refresh: bool, synthetic: bool, extracts: list[str] | None,
             verbose: bool, signals: SignalsSeen) -> Outcome:
    settings = get_settings()
    if synthetic and landing_is_empty(settings.landing_dir):
        from .synthetic import generate

        print(f"Landing folder {settings.landing_dir} is empty: generating a synthetic trust")
        generate(settings.landing_dir, progress=True, **DEFAULT_SYNTHETIC)

    from .definitions import build_definitions
    from .jobs import NIGHTLY_JOB_NAME

    defs = build_definitions()
    job = defs.resolve_job_def(NIGHTLY_JOB_NAME)
    from .transform import DBT_OPS

    run_config = {"ops": {op: {"config": {"full_refresh": full_refresh}} for op in DBT_OPS}}
    console = sys.stdout
    if not verbose:
        # One line per finished step instead of Dagster's console logger at DEBUG.
        job = job.with_logger_defs({"console": console_logger(console)})
        run_config["loggers"] = {"console": {}}  # a logger runs only when the config names it
    instance = open_instance()
    selection = None
    if extracts:
        from .sensors import assets_to_refresh

        selection = assets_to_refresh(extracts, defs.resolve_asset_graph())
    since = datetime.now(UTC).replace(tzinfo=None)
    # dagster-dbt copies every dbt log line to stdout: by default they go nowhere (the UI and
    # --verbose keep them; the dbt step's own progress lines go to the console above).
    with open(os.devnull, "w") as sink, redirect_stdout(console if verbose else sink), \
            signals.insisting():
        result = job.execute_in_process(instance=instance, run_config=run_config,
                                        raise_on_error=False, asset_selection=selection)
    return Outcome(result, instance, since)


LOAD_COUNTS = """
    select extract,
           count(*) filter (where status = 'loaded'),
           count(*) filter (where status = 'rejected'),
           count(*) filter (where status = 'skipped_duplicate'),
           coalesce(sum(rows_loaded), 0), coalesce(sum(rows_quarantined), 0)
    from raw.load_log {where}
    group by extract"""


def load_summary(warehouse: str, since: datetime | None = None) -> list[str]:
    """Files and rows per extract loaded by this run (load-log rows written since it started),
    with the all-time totals beside them."""
    try:
        con = connect_warehouse(warehouse, retries=5)
    except Exception as exc:  # a summary must never hide the run's own outcome
        return [f"(load counts skipped: {exc.__class__.__name__})"]
    try:
        total = {r[0]: r[1:] for r in con.execute(LOAD_COUNTS.format(where="")).fetchall()}
        this_run = ({r[0]: r[1:] for r in con.execute(
            LOAD_COUNTS.format(where="where loaded_at >= ?"), [since]).fetchall()}
            if since is not None else {})
    except Exception as exc:  # a summary must never hide the run's own outcome
        return [f"(no load log yet: {exc.__class__.__name__})"]
    finally:
        con.close()
    lines = [f"{'':<22}{'-- loaded by this run ' + '-' * 31:<53}  {'-- all time ':-<21}",
             f"{'extract':<22}{'files':>6}{'rejected':>9}{'skipped':>8}{'rows loaded':>14}"
             f"{'quarantined':>13}  {'files':>6}{'rows loaded':>15}"]
    for extract in sorted(total):
        files, rejected, skipped, rows, quarantined = this_run.get(extract, (0, 0, 0, 0, 0))
        all_files, _, _, all_rows, _ = total[extract]
        lines.append(f"{extract:<22}{files:>6}{rejected:>9}{skipped:>8}{rows:>14,}"
                     f"{quarantined:>13,}  {all_files:>6}{all_rows:>15,}")
    if since is not None and not any(sum(v) for v in this_run.values()):
        lines.append("This run loaded no new files (the landing folder held nothing new).")
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
            timings: list[StepTiming] = (), since: datetime | None = None) -> str:
    settings = get_settings()
    lines = ["", RULE, f"Run {result.run_id}: {'SUCCEEDED' if result.success else 'FAILED'} "
             f"in {seconds:.1f} s", THIN]
    try:
        with warehouse_lock(str(settings.warehouse_path), timeout=SUMMARY_LOCK_SECONDS):
            lines += load_summary(str(settings.warehouse_path), since)
    except TimeoutError:
        lines.append("(load counts skipped: another run is using the warehouse)")
    if timings:
        lines += [THIN, *slowest_steps(list(timings))]
    failed = [e.step_key for e in result.all_events if e.is_step_failure]
    if failed:
        lines += [THIN, "Failed steps: " + ", ".join(sorted(set(failed)))]
    lines += [THIN, *where_things_are(), RULE]
    return "\n".join(lines)


def interrupted_summary(outcome: Outcome | None, signum: int, seconds: float) -> str:
    """What a stopped run says: quickly, without waiting for the warehouse."""
    name = signal.Signals(signum).name
    run = f"Run {outcome.result.run_id}" if outcome else "Run"
    return "\n".join([
        "", RULE, f"{run}: INTERRUPTED by {name} after {seconds:.1f} s "
        f"(exit status {exit_status(signum)})", THIN,
        "The step that was running rolled back its open transaction and was not retried;",
        "the previous publication and report are unchanged. Run again to finish.",
        THIN, *where_things_are(), RULE])


def where_things_are() -> list[str]:
    settings = get_settings()
    return [f"Warehouse (DuckDB): {settings.warehouse_path}",
            f"Published tables:   {bi_database_path(settings.publish_dir)} (for BI tools); "
            f"Parquet under {settings.publish_dir / 'current'}",
            f"Report:             {settings.report_dir / 'index.html'}",
            f"Run history:        the UI (`make dev`), instance {settings.dagster_home}"]


RULE, THIN = "=" * 88, "-" * 88
