"""`python -m dagster_project run`: the main job, in process, with a one-screen summary.

Exit status: 0 the run succeeded, 1 it failed, 130 / 143 SIGINT / SIGTERM stopped it."""

from __future__ import annotations

import argparse
import sys
import time

from .contracts import CONTRACTS
from .interrupts import Interrupted, exit_status
from .runner import run_main_job


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dagster_project")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the main job once (generates a synthetic trust "
                                     "into an empty landing folder first)")
    run.add_argument("--full-refresh", action="store_true",
                     help="rebuild every incremental dbt model from scratch")
    run.add_argument("--no-synthetic", action="store_true",
                     help="do not generate synthetic extracts into an empty landing folder")
    run.add_argument("--extract", action="append", dest="extracts", metavar="NAME",
                     choices=[c.name for c in CONTRACTS],
                     help="only this extract's ingestion and everything downstream of it "
                          "(repeatable), as the landing sensor runs new files")
    run.add_argument("--timings", metavar="FILE",
                     help="write every step's wall time to FILE (JSON)")
    run.add_argument("--verbose", action="store_true",
                     help="print every Dagster event and dbt's own log lines, not just one "
                          "line per finished step")
    args = parser.parse_args(argv)
    started = time.monotonic()
    try:
        return run_main_job(full_refresh=args.full_refresh, synthetic=not args.no_synthetic,
                            started=started, extracts=args.extracts,
                            timings_path=args.timings, verbose=args.verbose)
    except Interrupted as stop:  # a second signal while the first was being handled
        return exit_status(stop.signum)


if __name__ == "__main__":
    sys.exit(main())
