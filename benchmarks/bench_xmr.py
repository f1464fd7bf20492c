"""Benchmark the vectorised polars `xmr` against a straightforward pandas groupby-apply.

    .venv/bin/python benchmarks/bench_xmr.py [--series 1000 10000 100000] [--pandas-cap 10000]

Each measurement runs in its own subprocess so that peak memory (ru_maxrss, which sees polars'
Rust allocations, unlike tracemalloc) belongs to that size alone. Writes the figures to
benchmarks/results.md under "## SPC engine (xmr)".
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results.md"
POINTS = 60
HEADING = "## SPC engine (xmr)"


def make_data(n_series: int):
    import datetime as dt

    import numpy as np
    import polars as pl

    rng = np.random.default_rng(42)
    months = [dt.date(2019 + i // 12, i % 12 + 1, 1) for i in range(POINTS)]
    level = np.repeat(rng.normal(100, 20, n_series), POINTS)
    return pl.DataFrame(
        {
            "facet": np.repeat(np.array([f"S{i:06d}" for i in range(n_series)]), POINTS),
            "date": pl.Series(months * n_series, dtype=pl.Date),
            "y": np.round(level + rng.normal(0, 5, n_series * POINTS), 2),
        }
    )


def pandas_xmr(pdf):
    """Per-series XmR limits and rules, the obvious pandas way (groupby-apply)."""
    import numpy as np
    import pandas as pd

    def one(g):
        y = g["y"].to_numpy()
        mean = y.mean()
        mr = np.abs(np.diff(y))
        amr = mr.mean()
        amr = mr[mr < 3.267 * amr].mean()
        lpl, upl = mean - 2.66 * amr, mean + 2.66 * amr
        nl, nu = mean - 2 * (2.66 / 3) * amr, mean + 2 * (2.66 / 3) * amr
        s = pd.Series(y)
        outside = (y > upl) | (y < lpl)
        rtm = np.sign(y - mean)
        close = ~outside & ((y < nl) | (y > nu))
        step = np.sign(s.diff())
        up = step.eq(1).rolling(6).sum().eq(6)
        down = step.eq(-1).rolling(6).sum().eq(6)
        trend = (up | down)[::-1].rolling(7, min_periods=1).max()[::-1].astype(bool).to_numpy()
        r = pd.Series(rtm)
        sh = (r.eq(1).rolling(7).sum().eq(7) | r.eq(-1).rolling(7).sum().eq(7))
        shift = sh[::-1].rolling(7, min_periods=1).max()[::-1].astype(bool).to_numpy()
        c3 = pd.Series(close).rolling(3).sum().ge(2)
        side3 = r.eq(1).rolling(3).sum().eq(3) | r.eq(-1).rolling(3).sum().eq(3)
        w = (c3 & side3)[::-1].rolling(3, min_periods=1).max()[::-1].astype(bool).to_numpy()
        tit = close & w
        kind = np.select(
            [outside, trend, tit, shift],
            ["outside", "trend", "two_in_three", "shift"],
            "Common Cause",
        )
        return pd.DataFrame({"date": g["date"].to_numpy(), "mean": mean, "lpl": lpl, "upl": upl,
                             "special_cause_type": kind})

    return pdf.sort_values(["facet", "date"]).groupby("facet", sort=True).apply(one)


def rss_now_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def worker(engine: str, n_series: int, repeat: int = 1) -> dict:
    sys.path.insert(0, str(ROOT))
    df = make_data(n_series)
    if engine == "pandas":
        df = df.to_pandas()
    before = rss_now_mb()
    if engine == "polars":
        from dagster_project.spc import xmr

        xmr(make_data(10), value="y", date="date", facet="facet")  # warm up imports and pools
        before = rss_now_mb()
        times = []
        for _ in range(repeat):  # best of `repeat`: the machine is shared and noisy
            t0 = time.perf_counter()
            out = xmr(df, value="y", date="date", facet="facet")
            times.append(time.perf_counter() - t0)
            rows = out.height
            del out  # free before the next run so peak RSS is one call's worth
        secs = min(times)
    else:
        t0 = time.perf_counter()
        out = pandas_xmr(df)
        secs = time.perf_counter() - t0
        rows = len(out)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert rows == n_series * POINTS
    return {"engine": engine, "series": n_series, "points": rows, "seconds": secs,
            "runs": repeat if engine == "polars" else 1,
            "points_per_second": rows / secs, "peak_rss_mb": peak, "rss_before_mb": before}


def run(engine: str, n: int, repeat: int) -> dict:
    cmd = [sys.executable, __file__, "--worker", engine, str(n), "--repeat", str(repeat)]
    res = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def write_results(rows: list[dict], skipped: list[int], command: str, load: tuple) -> str:
    import polars as pl

    lines = [
        HEADING,
        "",
        f"Command: `{command}`  ",
        f"Machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"polars {pl.__version__}; {POINTS} monthly points per series, one faceted call.  ",
        "Peak RSS is the worker process's ru_maxrss (input data included); 'before' is RSS just "
        "before the timed call.  ",
        f"Load average (1 min) at start / end: {load[0]:.1f} / {os.getloadavg()[0]:.1f} "
        "(the machine is shared; a load above 2 on 2 CPUs inflates the times).",
        "",
        "| engine | series | points | seconds (best of runs) | runs | points/s | peak RSS MB "
        "| RSS before MB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['engine']} | {r['series']:,} | {r['points']:,} | {r['seconds']:.3f} | "
            f"{r['runs']} | "
            f"{r['points_per_second']:,.0f} | {r['peak_rss_mb']:.0f} | {r['rss_before_mb']:.0f} |"
        )
    if skipped:
        lines += ["", f"pandas groupby-apply not run for {', '.join(f'{n:,}' for n in skipped)} "
                  "series (capped with --pandas-cap: it scales linearly and would take minutes)."]
    section = "\n".join(lines) + "\n"
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n\n"
    pattern = re.compile(rf"^{re.escape(HEADING)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    RESULTS.write_text(text)
    return section


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--series", type=int, nargs="+", default=[1000, 10000, 100000])
    p.add_argument("--pandas-cap", type=int, default=10000)
    p.add_argument("--repeat", type=int, default=3, help="polars runs per size (best is kept)")
    p.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker[0], int(args.worker[1]), args.repeat)))
        return
    rows, skipped, load = [], [], os.getloadavg()
    for n in args.series:
        rows.append(run("polars", n, args.repeat))
        print(rows[-1], flush=True)
    for n in args.series:
        if n > args.pandas_cap:
            skipped.append(n)
            continue
        rows.append(run("pandas", n, 1))
        print(rows[-1], flush=True)
    command = ".venv/bin/python benchmarks/bench_xmr.py " + " ".join(sys.argv[1:])
    print(write_results(rows, skipped, command.strip(), load))


if __name__ == "__main__":
    main()
