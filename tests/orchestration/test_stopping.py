"""Stopping `python -m dagster_project run` with a signal, for real: a subprocess on a synthetic
trust, stopped mid-run as a service manager (SIGTERM) or a terminal (SIGINT) does. The SIGTERM
test stops dbt and re-runs the night, so it uses the tiny trust; the SIGINT test needs the small
trust's many files still loading when the signal arrives."""

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

from ..conftest import make_env, run_nightly
from .console_lines import read_until

pytestmark = pytest.mark.integration


def start_run(env, home):
    return subprocess.Popen(
        [sys.executable, "-m", "dagster_project", "run", "--no-synthetic"],
        cwd=PROJECT_ROOT, env={**os.environ, **env.variables, "DAGSTER_HOME": str(home),
                               "FILE_STABLE_SECONDS": "0"},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )


def stop(run: subprocess.Popen, signum: int, seen: list[str]) -> float:
    """Send `signum` to the run's process (not its group); seconds until it exited."""
    sent = time.monotonic()
    os.kill(run.pid, signum)
    seen += run.stdout.readlines()
    run.wait(timeout=120)
    return time.monotonic() - sent


def group_is_gone(pgid: int) -> bool:
    """No process of the run is left (dbt included): the run was its own process group."""
    for _ in range(50):
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.2)
    return False


def schemas(env) -> set[str]:
    con = duckdb.connect(str(env.warehouse), read_only=True)
    try:
        return {r[0] for r in con.execute("select schema_name from information_schema.schemata")
                .fetchall()}
    finally:
        con.close()


@pytest.fixture
def fresh_env(small_trust_landing, tmp_path):
    env = make_env(tmp_path)
    shutil.copytree(small_trust_landing, env.landing)
    return env


@pytest.fixture
def fresh_tiny_env(tiny_trust_landing, tmp_path):
    env = make_env(tmp_path)
    shutil.copytree(tiny_trust_landing, env.landing)
    return env


def test_sigterm_during_dbt_stops_the_run_and_a_rerun_finishes(fresh_tiny_env, tmp_path):
    run = start_run(fresh_tiny_env, tmp_path / "home")
    seen: list[str] = []
    read_until(run, "… dbt build:", seen)  # dbt has been building for a while
    seconds = stop(run, signal.SIGTERM, seen)
    console = "".join(seen)
    assert run.returncode == 143, console[-3000:]
    assert seconds < 15, console[-3000:]
    assert group_is_gone(run.pid), "a process of the run (dbt?) is still running"
    assert "INTERRUPTED by SIGTERM" in console
    assert "retrying" not in console
    assert "published" not in schemas(fresh_tiny_env)  # nothing was published, not even half
    again = run_nightly(fresh_tiny_env, raise_on_error=False)
    assert again.success
    assert "published" in schemas(fresh_tiny_env)


def test_sigint_during_ingestion_rolls_back_the_file_being_loaded(fresh_env, tmp_path):
    run = start_run(fresh_env, tmp_path / "home")
    seen: list[str] = []
    read_until(run, "✓ raw/org_structure", seen)  # the other extracts are loading now
    seconds = stop(run, signal.SIGINT, seen)
    console = "".join(seen)
    assert run.returncode == 130, console[-3000:]
    assert seconds < 15, console[-3000:]
    assert group_is_gone(run.pid)
    assert "retrying" not in console
    con = duckdb.connect(str(fresh_env.warehouse), read_only=True)
    try:
        logged = con.execute("select extract, file_name, rows_loaded from raw.load_log "
                             "where status = 'loaded'").fetchall()
        assert len(logged) < 300, "the run was stopped too late to test anything"
        for extract in {e for e, _, _ in logged} | {"incidents", "mandatory_training"}:
            tables = con.execute("select 1 from information_schema.tables where "
                                 "table_schema = 'raw' and table_name = ?", [extract]).fetchall()
            if not tables:
                continue
            in_raw = dict(con.execute(f"select _file_name, count(*) from raw.{extract} "
                                      "group by all").fetchall())
            in_log = {f: n for e, f, n in logged if e == extract}
            for file_name, rows in in_raw.items():  # no half-loaded file, no unlogged rows
                assert in_log.get(file_name) == rows, (extract, file_name)
    finally:
        con.close()
