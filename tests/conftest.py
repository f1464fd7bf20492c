"""Shared fixtures: a small synthetic trust run through the real pipeline once per session."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from dagster_project.settings import DBT_PROJECT_DIR

os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "False")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
# Tests write a file and load it at once; the wait for half-copied files is tested on its own
# (tests/ingest/test_landing_rules.py, tests/orchestration/test_sensors.py).
os.environ.setdefault("FILE_STABLE_SECONDS", "0")

# Small enough to run in seconds, long enough (36 months) to carry every planted signal.
SMALL_TRUST = {"months": 36, "staff": 300, "seed": 7}


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


@contextmanager
def environment(variables: dict[str, str]) -> Iterator[None]:
    previous = {k: os.environ.get(k) for k in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


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
