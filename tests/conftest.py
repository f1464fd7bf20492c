"""Shared fixtures: a small synthetic trust run through the real pipeline once per session."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb
import pytest

from dagster_project.settings import DBT_PROJECT_DIR, DEFAULT_DAGSTER_HOME
from dagster_project.settings import environment_overridden as environment
from dagster_project.telemetry import switch_off_telemetry

switch_off_telemetry()
if os.environ.get("PYTEST_XDIST_WORKER") and sys.modules["__main__"].__spec__ is None:
    # An xdist worker's __main__ (execnet's `python -c` bootstrap) has no __spec__ and no
    # __file__, which pyspark (imported by Great Expectations) takes for its own doctest run:
    # `pyspark.sql.connect` then calls sys.exit(0) and the test importing GX fails. Named as a
    # module, as under a plain `pytest`, the import goes on (multiprocessing's spawn skips it).
    import importlib.machinery

    sys.modules["__main__"].__spec__ = importlib.machinery.ModuleSpec("__main__", None)
# Tests write a file and load it at once; the wait for half-copied files is tested on its own
# (tests/ingest/test_landing_rules.py, tests/orchestration/test_sensors.py).
os.environ.setdefault("FILE_STABLE_SECONDS", "0")
# Every night the suite runs shares one PNG cache, those run as a child process with a DAGSTER_HOME
# of their own too: the same charts are not rasterised again by each (a PNG is keyed by its
# disclosure-controlled SVG and the renderer's versions, report/png_cache.py, whose own tests
# give it a folder of their own).
os.environ.setdefault("REPORT_PNG_CACHE_DIR", str(DEFAULT_DAGSTER_HOME / "report_png_cache"))

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


# With pytest-xdist (`make test` runs `-n 2 --dist loadgroup`) each worker process makes its own
# session and module fixtures, so the tests sharing an expensive one (a night, a dbt build, a
# generated trust) are given one xdist_group and run on one worker: each build is made once, not
# once per worker. These are made by each worker instead: the manifest every test uses, and the
# landing folders, generated in seconds, so that the long tests using only a landing (a night
# stopped by a signal, a night with hostile files) can run on either worker.
MADE_PER_WORKER = {"dbt_manifest", "tiny_trust_landing", "small_trust_landing"}
# Started first, so that one worker runs it while the other works through the rest: a test of
# minutes collected last would leave a worker idle at the end (the Spark parity, about 4 minutes).
LONGEST_ALONE = ("tests/spark/test_dbt_parity.py",)


@cache
def imports_maturity_trust(path: Path) -> bool:
    """maturity_trust.py keeps its builds per process, not in fixtures: its users share them."""
    return "maturity_trust import" in path.read_text("utf-8")


def shared_builds(item) -> set[str]:
    """The session and module fixtures of the suite's own that a test uses, directly or through
    another fixture (a module fixture is one build per module, so it is named with its module)."""
    builds = set()
    for name, fixturedefs in item._fixtureinfo.name2fixturedefs.items():
        fixturedef = fixturedefs[-1]  # the one this test gets (the closest override)
        if (fixturedef.scope == "function" or name in MADE_PER_WORKER
                or not getattr(fixturedef.func, "__module__", "").startswith("tests")):
            continue  # pytest's own (tmp_path_factory) are not builds
        builds.add(name if fixturedef.scope == "session"
                   else f"{item.nodeid.split('::')[0]}::{name}")
    if imports_maturity_trust(item.path):
        builds.add("maturity_trust")
    return builds


def xdist_groups(items) -> dict[str, str]:
    """Each test's xdist group: tests that share a build, even through a chain (A and B share
    one, B and C another), are one group, named after one of its builds."""
    builds = {item.nodeid: sorted(shared_builds(item)) for item in items}
    parent: dict[str, str] = {}

    def root(build: str) -> str:
        while parent.setdefault(build, build) != build:
            build = parent[build]
        return build

    for used in builds.values():
        for build in used:
            parent[root(build)] = root(used[0])
    members: dict[str, list[str]] = {}
    for build in parent:
        members.setdefault(root(build), []).append(build)
    # a session build's name reads better than a module's (`tiny_night`, not `path::fixture`)
    names = {top: min(group, key=lambda b: ("::" in b, b)) for top, group in members.items()}
    return {nodeid: names[root(used[0])] for nodeid, used in builds.items() if used}


# tryfirst: xdist's worker reads the marks in its own hook (appending `@group` to each test's id),
# and it is registered after this file, so it would otherwise run first and see no mark.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items) -> None:
    if not config.pluginmanager.hasplugin("xdist"):
        return
    items.sort(key=lambda item: not item.nodeid.startswith(LONGEST_ALONE))  # stable
    groups = xdist_groups(items)
    for item in items:
        if item.nodeid in groups:
            item.add_marker(pytest.mark.xdist_group(groups[item.nodeid]))
    if getattr(config.option, "loadgroup", False):  # an xdist worker under --dist loadgroup
        name_groups_in_ids(items, groups)


def name_groups_in_ids(items, groups: dict[str, str]) -> None:
    """`--dist loadgroup` sends the tests whose ids end in the same `@group` to one worker.
    xdist 3.8's worker appends that suffix by setting `item._nodeid`, which pytest 9 no longer
    reads (the id is `item._id`): every group was split, each worker building every night. So the
    suffix is appended here, as xdist would (its own hook then changes nothing that is read)."""
    from _pytest.nodeid import NodeId

    for item in items:
        if item.nodeid in groups:
            item._id = NodeId.parse(f"{item.nodeid}@{groups[item.nodeid]}")


@pytest.fixture(scope="session", autouse=True)
def dbt_manifest() -> Path:
    """`make test` prepares the manifest; this keeps a bare `pytest` working too."""
    import fcntl

    target = DBT_PROJECT_DIR / "target"
    target.mkdir(exist_ok=True)
    manifest = target / "manifest.json"
    # Under xdist every worker gets here at once: one parses, the others wait for its manifest
    # (two `dbt parse` writing one target folder would leave a manifest half of each).
    with open(target / ".manifest.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
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
