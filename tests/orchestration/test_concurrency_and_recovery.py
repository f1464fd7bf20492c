"""Nightly operation under stress: two runs against one warehouse at once, and a run killed
midway then re-run. Real processes, real DuckDB, real dbt, on the tiny trust (the session's
`tiny_night` is the night already run, and the uninterrupted run to compare with)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import duckdb
import pytest

from dagster_project.settings import PROJECT_ROOT

from ..conftest import copy_env, make_env, run_nightly
from .console_lines import read_until

pytestmark = pytest.mark.integration

TABLES = ("scorecard_monthly", "spc_points", "spc_summary")


def start_run(env, home):
    home.mkdir(exist_ok=True)
    shutil.copy(PROJECT_ROOT / "dagster.yaml", home / "dagster.yaml")
    return subprocess.Popen(
        [sys.executable, "-m", "dagster_project", "run", "--no-synthetic"],
        cwd=PROJECT_ROOT, env={**os.environ, **env.variables, "DAGSTER_HOME": str(home)},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )


def published_tables(env) -> dict:
    con = duckdb.connect(str(env.warehouse), read_only=True)
    try:
        return {t: con.sql(f"select * from published.{t} order by all").pl() for t in TABLES}
    finally:
        con.close()


def assert_same_tables(actual: dict, expected: dict) -> None:
    # polars compares NaN limits (constant series) as equal; Python tuples do not.
    for table, frame in expected.items():
        assert actual[table].equals(frame), f"published.{table} differs"


def test_two_runs_at_once_both_succeed(tiny_night, tmp_path):
    env = copy_env(tiny_night, tmp_path / "night")
    expected = published_tables(env)
    runs = [start_run(env, tmp_path / "home")]
    time.sleep(2)
    runs.append(start_run(env, tmp_path / "home"))
    outputs = [run.communicate(timeout=900)[0] for run in runs]
    for run, output in zip(runs, outputs):
        assert run.returncode == 0, output[-3000:]
        assert "SUCCEEDED" in output
    assert_same_tables(published_tables(env), expected)


def test_killed_run_then_rerun_ends_like_an_uninterrupted_run(tiny_night, tmp_path):
    env = make_env(tmp_path)
    shutil.copytree(tiny_night.landing, env.landing)
    run = start_run(env, tmp_path / "home")
    read_until(run, "… dbt build:", [])  # killed once dbt is building: marts half built
    os.killpg(run.pid, signal.SIGKILL)
    run.wait()
    again = run_nightly(env)
    assert again.success
    assert_same_tables(published_tables(env), published_tables(tiny_night))
