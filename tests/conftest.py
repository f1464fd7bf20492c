"""Shared fixtures: a small synthetic trust run through the real pipeline once per session."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from dagster_project.settings import DBT_PROJECT_DIR
from dagster_project.settings import environment_overridden as environment
from dagster_project.telemetry import switch_off_telemetry

switch_off_telemetry()
# Tests write a file and load it at once; the wait for half-copied files is tested on its own
# (tests/ingest/test_landing_rules.py, tests/orchestration/test_sensors.py).
os.environ.setdefault("FILE_STABLE_SECONDS", "0")

# The day the quality checks count back from, for tests of hand-made warehouses.
QUALITY_AS_OF = "2025-07-15"


@pytest.fixture
def con(tmp_path: Path):
    """An empty DuckDB warehouse file in the test's tmp_path."""
    c = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    yield c
    c.close()


@pytest.fixture
def quality_as_of(monkeypatch) -> str:
    monkeypatch.setenv("QUALITY_AS_OF_DATE", QUALITY_AS_OF)
    return QUALITY_AS_OF


# Small enough to run in seconds, long enough (36 months) to carry every planted signal.
SMALL_TRUST = {"months": 36, "staff": 300, "seed": 7}
# The smallest trust a whole night still runs through, for tests of how a night is stopped,
# resumed, re-run, queued or fed hostile files: they assert the mechanics, not the signals.
# 8 months to 2026-10 hold one staff survey (published each March): its mart must not be empty.
TINY_TRUST = {"months": 8, "staff": 60, "seed": 7}


# With pytest-xdist (`-n 2 --dist loadgroup`) the tests sharing one expensive session build run on
# one worker, so each build is made once, not once per worker.
SHARED_BUILDS = {"pipeline_run": "small_trust", "pipeline_warehouse": "small_trust",
                 "small_trust_landing": "small_trust", "tiny_night": "tiny_trust",
                 "tiny_trust_landing": "tiny_trust", "dbt_trust": "dbt_trust"}


def pytest_collection_modifyitems(config, items) -> None:
    if not config.pluginmanager.hasplugin("xdist"):
        return
    uses_maturity_trust: dict[str, bool] = {}  # its builds are kept per process, not in fixtures
    for item in items:
        groups = sorted({SHARED_BUILDS[name] for name in getattr(item, "fixturenames", ())
                         if name in SHARED_BUILDS})
        path = str(item.path)
        if path not in uses_maturity_trust:
            uses_maturity_trust[path] = "maturity_trust import" in item.path.read_text("utf-8")
        if uses_maturity_trust[path]:
            groups.append("maturity_trust")
        if groups:
            item.add_marker(pytest.mark.xdist_group(groups[0]))


@pytest.fixture(scope="session", autouse=True)
def dbt_manifest() -> Path:
    """`make test` prepares the manifest; this keeps a bare `pytest` working too."""
    manifest = DBT_PROJECT_DIR / "target" / "manifest.json"
    if not manifest.exists():
        subprocess.run(
            [str(Path(sys.executable).parent / "dbt"), "parse", "--quiet",
             "--profiles-dir", ".", "--project-dir", "."],
            cwd=DBT_PROJECT_DIR, check=True,
        )
    return manifest


@dataclass
class PipelineEnv:
    root: Path
    landing: Path
    warehouse: Path
    publish: Path
    report: Path

    @property
    def variables(self) -> dict[str, str]:
        return {
            "LANDING_DIR": str(self.landing),
            "WAREHOUSE_PATH": str(self.warehouse),
            "PUBLISH_DIR": str(self.publish),
            "REPORT_DIR": str(self.report),
        }


def make_env(root: Path) -> PipelineEnv:
    return PipelineEnv(root, root / "landing", root / "warehouse.duckdb", root / "published",
                       root / "report")


def copy_env(built: PipelineEnv, root: Path) -> PipelineEnv:
    """A private copy of a night already run (landing, warehouse, published files, report), so a
    test can run on from that state without rebuilding it or changing the shared one."""
    import shutil

    shutil.copytree(built.root, root, symlinks=True, dirs_exist_ok=True)
    return make_env(root)


def run_nightly(env: PipelineEnv, *, run_config: dict | None = None, raise_on_error=True):
    import dagster as dg

    from dagster_project.definitions import build_definitions
    from dagster_project.jobs import NIGHTLY_JOB_NAME

    with environment(env.variables):
        job = build_definitions().resolve_job_def(NIGHTLY_JOB_NAME)
        return job.execute_in_process(
            instance=dg.DagsterInstance.ephemeral(), run_config=run_config or {},
            raise_on_error=raise_on_error,
        )


@pytest.fixture(scope="session")
def small_trust_landing(tmp_path_factory) -> Path:
    from dagster_project.synthetic import generate

    landing = tmp_path_factory.mktemp("synthetic") / "landing"
    generate(landing, **SMALL_TRUST)
    return landing


@pytest.fixture(scope="session")
def tiny_trust_landing(tmp_path_factory) -> Path:
    from dagster_project.synthetic import generate

    landing = tmp_path_factory.mktemp("tiny") / "landing"
    generate(landing, **TINY_TRUST)
    return landing


@pytest.fixture(scope="session")
def tiny_night(tmp_path_factory, tiny_trust_landing) -> PipelineEnv:
    """A night already run on the tiny trust: the starting state of tests that re-run a night.
    Read it, or `copy_env` it to run on; never run in it (other tests share it)."""
    import shutil

    env = make_env(tmp_path_factory.mktemp("tiny_night"))
    shutil.copytree(tiny_trust_landing, env.landing)
    result = run_nightly(env, raise_on_error=False)
    failures = [e.event_specific_data for e in result.all_events if e.is_step_failure]
    assert result.success, failures
    return env


@pytest.fixture(scope="session")
def pipeline_run(tmp_path_factory, small_trust_landing):
    """The main job, run once for real on the small synthetic trust."""
    import shutil

    env = make_env(tmp_path_factory.mktemp("pipeline"))
    shutil.copytree(small_trust_landing, env.landing)
    result = run_nightly(env, raise_on_error=False)
    return env, result


@pytest.fixture(scope="module")
def pipeline_warehouse(pipeline_run):
    """A read-only connection to the warehouse of the session's run (which must have passed)."""
    import duckdb

    env, result = pipeline_run
    assert result.success
    con = duckdb.connect(str(env.warehouse), read_only=True)
    yield con
    con.close()
