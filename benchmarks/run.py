"""The benchmark harness: the main job at a given scale, stage by stage, against the read floor.

    .venv/bin/python benchmarks/run.py --scale small|trust|national [--incremental]
                                       [--work DIR] [--landing DIR] [--no-record]

Scales (synthetic extracts from `dagster_project.synthetic`):
  small     one trust, 12 months, 2,000 staff: the fixed overhead of a run
  trust     one trust, 36 months, 18,000 staff: the `make run` default
  national  ~200 trusts, 12 months (`--scale national`): 33 GB of CSV

For a scale it
1. generates the extracts into `<work>/landing` (or uses `--landing`, or what is already there);
2. measures the READ FLOOR: a fresh DuckDB reading every landing file once
   (`SELECT count(*) FROM read_csv([...])` per extract, every column as text), the least any
   pipeline over these files can cost;
3. runs the main job exactly as a user does (`python -m dagster_project run`) in a child process
   on an empty warehouse, timing the command from start to exit and sampling the resident memory
   of the process tree (the dbt subprocess included) every 0.2 s;
4. with `--incremental`, adds a new day of incidents and runs as the landing sensor runs a new
   file (`run --extract incidents`: that extract and what is downstream of it), then adds the
   next day and runs the whole job as the nightly schedule does (unchanged files recognised and
   skipped); the added files are removed at the end;
5. prints a table and appends it to `benchmarks/results.md` (not with `--no-record`).

Stages come from the run's own event log (`dagster_project.timings`): every ingestion step
(one per extract), the dbt build step, every check step (GX suites and contract checks), SPC,
publish and report; "start-up" is the time from the command to the run's first event (Python,
Dagster and definition loading) and "wind-down" from its last event to the exit.
Run on demand, never in CI.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from dagster_project.telemetry import TELEMETRY_OFF  # noqa: E402 - after the path

PYTHON = sys.executable
# Python's bytecode cache for the timed runs (git-ignored): what an installed environment has
# after its first run (or `uv sync --compile-bytecode`), kept apart from the tree.
PYCACHE = ROOT / ".tools" / "pycache"
SCALES = {
    "small": ["--months", "12", "--staff", "2000"],
    "trust": ["--months", "36"],
    "national": ["--scale", "national"],
}
GOALS = {
    "national_vs_floor": 3.0,  # end to end within 3x the read floor
    "peak_memory_gb": 8.0,
    "small_seconds": 20.0,
    "incremental_share": 0.10,
}
STAGES = ("start-up", "ingest", "checks", "dbt build", "spc", "publish", "report", "other",
          "wind-down")


# --------------------------------------------------------------------------- process-tree memory

def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read().decode(errors="replace")
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def tree_rss_bytes(pid: int) -> int:
    """Resident memory of `pid` and all its descendant processes (not threads), summed."""
    tree, total, todo = _children(), 0, [pid]
    while todo:
        p = todo.pop()
        todo.extend(tree.get(p, ()))
        try:
            with open(f"/proc/{p}/statm") as handle:
                total += int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except OSError:
            pass
    return total


class PeakMemory(threading.Thread):
    def __init__(self, pid: int, every: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.pid, self.every, self.peak = pid, every, 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.peak = max(self.peak, tree_rss_bytes(self.pid))
            self._stop_event.wait(self.every)

    def stop(self) -> int:
        self._stop_event.set()
        self.join()
        return self.peak


# ------------------------------------------------------------------------------------- runs

@dataclass
class RunMeasure:
    label: str
    seconds: float
    peak_bytes: int
    success: bool
    cpu_seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)
    ingest: dict[str, float] = field(default_factory=dict)
    steps: list[dict] = field(default_factory=list)


def run_job(label: str, env: dict[str, str], work: Path, extra: list[str]) -> RunMeasure:
    timings = work / f"timings-{label.replace(' ', '_')}.json"
    log = work / f"run-{label.replace(' ', '_')}.log"
    cmd = [PYTHON, "-m", "dagster_project", "run", "--no-synthetic", "--timings", str(timings),
           *extra]
    print(f"  {label}: {' '.join(cmd[1:])}  (log: {log})", flush=True)
    started_epoch = time.time()
    started = time.perf_counter()
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        sampler = PeakMemory(proc.pid)
        sampler.start()
        code = proc.wait()
    seconds = time.perf_counter() - started
    peak = sampler.stop()
    # CPU time of the run and every process it waited for (dbt): on a machine shared with other
    # work, wall time grows with the load, CPU time much less, so it is what compares runs.
    children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (children_after.ru_utime - children_before.ru_utime
           + children_after.ru_stime - children_before.ru_stime)
    measure = RunMeasure(label, seconds, peak, code == 0, cpu_seconds=cpu)
    if timings.exists():
        data = json.loads(timings.read_text())
        measure.steps = data["steps"]
        for step in data["steps"]:
            measure.stages[step["stage"]] = measure.stages.get(step["stage"], 0) + step["seconds"]
            if step["stage"] == "ingest":
                measure.ingest[step["step_key"].removeprefix("raw__")] = step["seconds"]
        if data.get("first_event") and data.get("last_event"):
            measure.stages["start-up"] = data["first_event"] - started_epoch
            measure.stages["wind-down"] = started_epoch + seconds - data["last_event"]
    print(f"    {'ok' if measure.success else 'FAILED'} in {seconds:.1f} s "
          f"({cpu:.1f} s CPU), peak {peak / 2**30:.2f} GB", flush=True)
    return measure


# ------------------------------------------------------------------------------- read floor

def landing_files(landing: Path) -> dict[str, list[Path]]:
    out: dict[str, list[Path]] = {}
    for folder in sorted(p for p in landing.iterdir() if p.is_dir()):
        files = sorted(folder.glob("*.csv"))
        if files:
            out[folder.name] = files
    return out


def read_floor(landing: Path) -> tuple[float, int, int]:
    """(seconds, rows, bytes) for DuckDB to read every landing CSV once, text columns."""
    import duckdb

    con = duckdb.connect()
    seconds = rows = size = 0
    for _, files in landing_files(landing).items():
        with files[0].open(newline="", encoding="utf-8-sig") as handle:
            header = next(csv.reader(handle))
        columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(header))) + "}"
        paths = "[" + ", ".join("'" + str(f).replace("'", "''") + "'" for f in files) + "]"
        started = time.perf_counter()
        rows += con.execute(f"SELECT count(*) FROM read_csv({paths}, header=true, "
                            f"auto_detect=false, columns={columns})").fetchone()[0]
        seconds += time.perf_counter() - started
        size += sum(f.stat().st_size for f in files)
    con.close()
    return seconds, rows, size


# ---------------------------------------------------------------------------------- report

def _gb(n: int) -> str:
    return f"{n / 2**30:.2f}"


def with_bytecode_cache(env: dict[str, str]) -> None:
    """Runs in `env` read compiled modules from PYCACHE, compiled here first (not timed): where
    PYTHONDONTWRITEBYTECODE=1 (this project's sandbox sets it), dagster, dbt and the pipeline
    would otherwise be compiled from source in every process, seconds a user's installed
    environment never pays."""
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    print(f"bytecode cache {PYCACHE} ...", flush=True)
    subprocess.run([PYTHON, "-m", "compileall", "-q", "-j0", sysconfig.get_paths()["purelib"],
                    str(ROOT / "dagster_project")], env=env, check=False,
                   stdout=subprocess.DEVNULL)


def markdown(scale: str, floor: tuple[float, int, int], runs: list[RunMeasure],
             generated: float | None, bytecode: bool = True) -> str:
    floor_s, rows, size = floor
    full = runs[0]
    load = os.getloadavg()[0]
    lines = [
        "",
        f"## Harness: `{scale}` scale ({dt.datetime.now():%Y-%m-%d %H:%M})",
        "",
        f"`.venv/bin/python benchmarks/run.py --scale {scale}"
        + (" --incremental" if len(runs) > 1 else "") + "`  ",
        f"Machine: {os.cpu_count()} CPUs, {_mem_total_gb():.0f} GB, Python "
        f"{platform.python_version()}; load average at the end {load:.1f}.  ",
        ("Bytecode: Python's cache, compiled before timing.  " if bytecode else
         "Bytecode: none (`--no-bytecode`: every process compiles its modules from source).  "),
        f"Landing: {rows:,} rows in {size / 2**30:.2f} GB of CSV"
        + (f" (generated in {generated:.0f} s)" if generated else "") + ".",
        "",
        "| stage | " + " | ".join(r.label for r in runs) + " |",
        "|---|" + "---:|" * len(runs),
    ]
    for stage in STAGES:
        if any(stage in r.stages for r in runs):
            lines.append(f"| {stage} | " + " | ".join(
                f"{r.stages.get(stage, 0):.1f}" for r in runs) + " |")
    lines.append("| **wall time (command to exit), s** | "
                 + " | ".join(f"**{r.seconds:.1f}**" for r in runs) + " |")
    lines.append("| CPU time of the process tree, s | "
                 + " | ".join(f"{r.cpu_seconds:.1f}" for r in runs) + " |")
    lines.append("| peak memory of the process tree, GB | "
                 + " | ".join(_gb(r.peak_bytes) for r in runs) + " |")
    lines.append("| succeeded | " + " | ".join("yes" if r.success else "**no**" for r in runs)
                 + " |")
    lines += ["", "Ingest per extract (full run), s: " + ", ".join(
        f"{k} {v:.1f}" for k, v in sorted(full.ingest.items(), key=lambda kv: -kv[1])) + ".", ""]

    lines += ["| figure | measured | goal | met |", "|---|---:|---:|---|"]
    lines.append(f"| read floor (DuckDB reads every file once) | {floor_s:.1f} s | | |")
    ratio = full.seconds / floor_s if floor_s else float("nan")
    if scale == "national":
        lines.append(f"| end to end / read floor | {ratio:.1f}x | "
                     f"{GOALS['national_vs_floor']:.0f}x | "
                     f"{'yes' if ratio <= GOALS['national_vs_floor'] else 'no'} |")
    else:
        lines.append(f"| end to end / read floor | {ratio:.1f}x | | |")
    peak = max(r.peak_bytes for r in runs) / 2**30
    lines.append(f"| peak memory | {peak:.2f} GB | {GOALS['peak_memory_gb']:.0f} GB | "
                 f"{'yes' if peak < GOALS['peak_memory_gb'] else 'no'} |")
    if scale == "small":
        lines.append(f"| small trust, command to last table | {full.seconds:.1f} s | "
                     f"{GOALS['small_seconds']:.0f} s | "
                     f"{'yes' if full.seconds < GOALS['small_seconds'] else 'no'} |")
    for r in runs[1:]:
        share = r.seconds / full.seconds
        lines.append(f"| {r.label} / full run | {share:.1%} | "
                     f"{GOALS['incremental_share']:.0%} | "
                     f"{'yes' if share < GOALS['incremental_share'] else 'no'} |")
    return "\n".join(lines) + "\n"


def _mem_total_gb() -> float:
    with open("/proc/meminfo") as handle:
        return int(handle.readline().split()[1]) / 2**20


# ------------------------------------------------------------------------------------ main

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=SCALES, default="small")
    parser.add_argument("--work", type=Path, help="working folder (default: a temporary one, "
                                                  "removed at the end)")
    parser.add_argument("--landing", type=Path, help="use these extracts instead of generating")
    parser.add_argument("--incremental", action="store_true",
                        help="also time a night with one new day of incidents")
    parser.add_argument("--no-bytecode", action="store_true",
                        help="compile every module from source in every process, as "
                             "PYTHONDONTWRITEBYTECODE=1 makes Python do (default: the bytecode "
                             f"cache in {PYCACHE.relative_to(ROOT)}, compiled before timing)")
    parser.add_argument("--no-record", action="store_true",
                        help="do not append to benchmarks/results.md")
    parser.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb",
                        help="WAREHOUSE_ENGINE of the measured runs (spark: a local session "
                             "unless SPARK_MASTER says otherwise; its lake under --work)")
    args = parser.parse_args(argv)

    work = args.work or Path(tempfile.mkdtemp(prefix=f"bench-{args.scale}-"))
    work.mkdir(parents=True, exist_ok=True)
    landing = args.landing or work / "landing"
    generated = None
    if not landing.exists() or not any(landing.rglob("*.csv")):
        print(f"generating the {args.scale} extracts into {landing}", flush=True)
        started = time.perf_counter()
        subprocess.run([PYTHON, "-m", "dagster_project.synthetic", "--landing", str(landing),
                        "--quiet", *SCALES[args.scale]], cwd=ROOT, check=True)
        generated = time.perf_counter() - started

    print("read floor ...", flush=True)
    floor = read_floor(landing)
    print(f"  {floor[0]:.1f} s for {floor[1]:,} rows", flush=True)

    state = work / "state"
    shutil.rmtree(state, ignore_errors=True)
    (state / "dagster_home").mkdir(parents=True)
    shutil.copy(ROOT / "dagster.yaml", state / "dagster_home" / "dagster.yaml")
    env = {**os.environ,
           "LANDING_DIR": str(landing), "WAREHOUSE_PATH": str(state / "warehouse.duckdb"),
           "PUBLISH_DIR": str(state / "published"), "REPORT_DIR": str(state / "report"),
           "DAGSTER_HOME": str(state / "dagster_home"), "FILE_STABLE_SECONDS": "0",
           **TELEMETRY_OFF,
           "WAREHOUSE_ENGINE": args.engine, "LAKE_DIR": str(state / "lake")}
    if not args.no_bytecode:
        with_bytecode_cache(env)
    runs = [run_job("full run", env, work, [])]
    if args.incremental:
        sys.path.insert(0, str(ROOT))
        from dagster_project.synthetic.deliveries import new_day_of_incidents

        latest = sorted((landing / "incidents").glob("incidents_*.csv"))[-1]
        day = dt.datetime.strptime(latest.stem.rsplit("_", 1)[-1][:8], "%Y%m%d").date()
        added = []
        try:
            added.append(new_day_of_incidents(landing, day + dt.timedelta(days=1)))
            runs.append(run_job("new day, sensor run", env, work, ["--extract", "incidents"]))
            added.append(new_day_of_incidents(landing, day + dt.timedelta(days=2)))
            runs.append(run_job("new day, nightly job", env, work, []))
        finally:
            for path in added:  # leave a reused landing folder as it was
                path.unlink(missing_ok=True)

    label = args.scale if args.engine == "duckdb" else f"{args.scale} --engine {args.engine}"
    text = markdown(label, floor, runs, generated, bytecode=not args.no_bytecode)
    print(text)
    if not args.no_record:
        with (ROOT / "benchmarks" / "results.md").open("a", encoding="utf-8") as handle:
            handle.write(text)
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if all(r.success for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
