"""A small generated trust, loaded and built with the real loader and dbt, in the states issue 14
is about: as delivered (its newest month immature), after a later incidents extract (that month
matured), with its incidents extract stopped (stale), and with a bad FFT delivery (quarantine).

Each state is built once per test session (`trust_state(name, tmp_path_factory)`), so the
maturity, SPC and data-quality tests share the builds. The trust ends in June 2025, so every
extract date used here is in the past whatever today's date (the landing rules refuse a date
after tomorrow).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import polars as pl

REPO = Path(__file__).resolve().parents[1]
DBT_DIR = REPO / "dbt_project"
TRUST = ["--staff", "300", "--months", "14", "--seed", "11", "--end-month", "2025-06"]
AS_OF = dt.date(2025, 6, 30)  # the newest extract date of every monthly extract
NEWEST_MONTH = dt.date(2025, 6, 1)
LATER_INCIDENTS = dt.date(2025, 8, 15)  # a later incidents extract: June has had its 31 days
STOPPED_AFTER = dt.date(2025, 3, 31)  # the incidents extract stops after March
BAD_FFT_SHARE = 0.2  # of the newest FFT delivery's rows, given a CSU that does not exist

_built: dict[str, Path] = {}


def _dbt(args: list[str], warehouse: Path, work: Path) -> None:
    env = {**os.environ, "WAREHOUSE_PATH": str(warehouse),
           "DBT_SEND_ANONYMOUS_USAGE_STATS": "False"}
    dbt = Path(sys.executable).parent / "dbt"
    result = subprocess.run(
        [str(dbt), *args, "--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR),
         "--target-path", str(work / "target"), "--log-path", str(work / "logs")],
        env=env, capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stdout[-6000:]


def _load(warehouse: Path, landing: Path) -> None:
    from dagster_project.ingest.load import load_all

    with duckdb.connect(str(warehouse)) as con:
        load_all(con, landing)


def _generate(landing: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "dagster_project.synthetic", "--landing",
                             str(landing), *TRUST, "--quiet"],
                            capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stderr[-3000:]


def _newest(landing: Path, extract: str) -> Path:
    return sorted((landing / extract).glob(f"{extract}_*.csv"))[-1]


def deliver_later_incidents(landing: Path, on: dt.date) -> Path:
    """The newest incidents file delivered again on a later date (new bytes: its rows' last
    modified time moves on, nothing a measure counts changes)."""
    newest = pl.read_csv(_newest(landing, "incidents"), infer_schema=False)
    target = landing / "incidents" / f"incidents_{on:%Y%m%d}.csv"
    newest.with_columns(last_modified=pl.lit(f"{on.isoformat()}T06:00:00")).write_csv(
        target, null_value="")
    return target


def stop_incidents(landing: Path, after: dt.date) -> list[Path]:
    """Remove the incidents files dated after `after`: the extract stopped arriving."""
    gone = [p for p in (landing / "incidents").glob("incidents_*.csv")
            if p.stem.split("_")[1] > f"{after:%Y%m%d}"]
    for path in gone:
        path.unlink()
    return gone


def correct_fft_with_bad_rows(landing: Path, share: float) -> Path:
    """A correction (`_v2`) of the newest FFT delivery in which `share` of the rows name a CSU
    that does not exist: the loader quarantines them."""
    newest = _newest(landing, "fft_responses")
    df = pl.read_csv(newest, infer_schema=False)
    bad = pl.int_range(pl.len()) < int(df.height * share)
    target = newest.with_name(newest.stem + "_v2.csv")
    df.with_columns(csu_code=pl.when(bad).then(pl.lit("UNK")).otherwise(pl.col("csu_code"))
                    ).write_csv(target, null_value="")
    return target


def trust_state(name: str, tmp_path_factory) -> Path:
    """The warehouse of one state: `delivered`, `matured`, `stopped` or `bad_fft`."""
    if name in _built:
        return _built[name]
    work = tmp_path_factory.mktemp(f"trust_{name}")
    landing, warehouse = work / "landing", work / "warehouse.duckdb"
    if name == "delivered":
        _generate(landing)
        _load(warehouse, landing)
        _dbt(["build"], warehouse, work)  # the models and their data tests
    else:
        base = trust_state("delivered", tmp_path_factory)
        shutil.copytree(base.parent / "landing", landing)
        if name == "stopped":
            stop_incidents(landing, STOPPED_AFTER)  # a fresh load without those files
            _load(warehouse, landing)
            _dbt(["seed"], warehouse, work)
        else:
            shutil.copy(base, warehouse)  # the later delivery loads on top of the first night
            if name == "matured":
                deliver_later_incidents(landing, LATER_INCIDENTS)
            elif name == "bad_fft":
                correct_fft_with_bad_rows(landing, BAD_FFT_SHARE)
            else:
                raise ValueError(f"unknown trust state {name!r}")
            _load(warehouse, landing)
        _dbt(["run"], warehouse, work)
    _built[name] = warehouse
    return warehouse


def query(warehouse: Path, sql: str) -> pl.DataFrame:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.sql(sql).pl()
