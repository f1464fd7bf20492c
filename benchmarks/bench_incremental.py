"""What a quiet night costs next to a full build.

    .venv/bin/python benchmarks/bench_incremental.py [--staff 18000] [--months 36] [--work DIR]

1. a full run on an empty warehouse (every file loaded, every model built);
2. a night with nothing new (the scheduled job: every file skipped by its content hash);
3. a night with one new day of incidents, run as the landing sensor runs it: only the incidents
   asset and what is downstream of it, so dbt builds only those models and the incremental
   `fct_incidents` rewrites only the months the new rows touch.
Prints the wall time of each and appends them to benchmarks/results.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--staff", type=int, default=None)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()

    work = args.work or Path(tempfile.mkdtemp(prefix="bench-incremental-"))
    env = {"LANDING_DIR": str(work / "landing"), "WAREHOUSE_PATH": str(work / "w.duckdb"),
           "PUBLISH_DIR": str(work / "published"), "REPORT_DIR": str(work / "report")}
    os.environ.update(env)

    import dagster as dg

    from dagster_project.definitions import build_definitions
    from dagster_project.jobs import NIGHTLY_JOB_NAME
    from dagster_project.sensors import assets_to_refresh
    from dagster_project.synthetic import generate
    from dagster_project.synthetic.deliveries import new_day_of_incidents

    generate(work / "landing", months=args.months, staff=args.staff)
    defs = build_definitions()
    job = defs.resolve_job_def(NIGHTLY_JOB_NAME)
    instance = dg.DagsterInstance.ephemeral()

    def timed(label: str, **kwargs) -> float:
        started = time.perf_counter()
        result = job.execute_in_process(instance=instance, raise_on_error=False, **kwargs)
        seconds = time.perf_counter() - started
        print(f"{label:<48} {seconds:7.1f} s  {'ok' if result.success else 'FAILED'}")
        return seconds

    full = timed("full run, empty warehouse")
    quiet = timed("nightly job, nothing new")
    new_day_of_incidents(work / "landing", dt.date(2026, 11, 1))
    selection = assets_to_refresh(["incidents"], defs.resolve_asset_graph())
    one_day = timed("sensor run, one new day of incidents", asset_selection=selection)

    lines = [
        "",
        f"## Incremental nights ({dt.date.today():%Y-%m-%d}, staff "
        f"{args.staff or 'default'}, {args.months} months)",
        "",
        "`.venv/bin/python benchmarks/bench_incremental.py"
        + (f" --staff {args.staff}" if args.staff else "") + "`",
        "",
        "| run | seconds | share of full |",
        "|---|---:|---:|",
        f"| full run, empty warehouse | {full:.1f} | 100% |",
        f"| nightly job, nothing new | {quiet:.1f} | {quiet / full:.0%} |",
        f"| sensor run, one new day of incidents | {one_day:.1f} | {one_day / full:.0%} |",
    ]
    with (ROOT / "benchmarks" / "results.md").open("a", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
