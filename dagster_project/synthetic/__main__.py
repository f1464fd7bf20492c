"""`python -m dagster_project.synthetic` / `nhs-synthetic-trust`: write synthetic extracts."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ..settings import get_settings
from .generator import DEFAULT_END_MONTH, SCALES, generate
from .periods import parse_month


def _fraction(text: str) -> float:
    value = float(text)
    if not 0.0 <= value < 1.0:
        raise argparse.ArgumentTypeError("a fraction in [0, 1), e.g. 0.01")
    return value


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _month(text: str) -> str:
    try:
        parse_month(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc
    return text


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="nhs-synthetic-trust",
        description="Write realistic synthetic extracts for the fictional trust Z9T (or ~200 "
                    "fictional trusts) into a landing folder.")
    p.add_argument("--landing", type=Path, default=None,
                   help="landing folder (default: $LANDING_DIR or data/landing)")
    p.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    p.add_argument("--months", type=_positive, default=None,
                   help="months of data (default 36; 12 at national scale)")
    p.add_argument("--end-month", type=_month, default=DEFAULT_END_MONTH,
                   help=f"last month, YYYY-MM (default {DEFAULT_END_MONTH})")
    p.add_argument("--scale", choices=SCALES, default="trust",
                   help="one trust, or ~200 trusts streamed into shared files")
    p.add_argument("--staff", type=_positive, default=None,
                   help="override each trust's headcount (default 18,000 for Z9T)")
    p.add_argument("--bad-rows", type=_fraction, default=0.0,
                   help="fraction of rows to corrupt for quarantine demos (e.g. 0.01)")
    p.add_argument("--trusts", type=_positive, default=None, help=argparse.SUPPRESS)
    p.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.trusts is not None and args.scale != "national":
        parser().error("--trusts needs --scale national")
    # the folder a run reads, from the one settings module
    landing = args.landing or get_settings().landing_dir
    started = time.perf_counter()
    rows = generate(landing, seed=args.seed, months=args.months, end_month=args.end_month,
                    scale=args.scale, staff=args.staff, bad_rows=args.bad_rows,
                    progress=not args.quiet, trusts=args.trusts)
    if not args.quiet:
        elapsed = time.perf_counter() - started
        width = max(map(len, rows))
        for name, count in rows.items():
            print(f"{name:<{width}}  {count:>12,}")
        print(f"{'total':<{width}}  {sum(rows.values()):>12,}  rows in {elapsed:.1f}s "
              f"-> {Path(landing).resolve()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
