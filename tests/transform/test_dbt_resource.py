"""The dbt resource and profile: dagster-dbt's private hooks this project overrides are still the
ones it calls; dbt takes the run's settings from its command line, not from os.environ; the
profile's fallbacks for dbt run by hand equal settings.py's defaults."""

from __future__ import annotations

import inspect
import json
import os
import re
import sys
from functools import cached_property
from importlib.metadata import version
from pathlib import Path

import yaml
from dagster_dbt import DbtCliResource

from dagster_project.settings import DBT_PROJECT_DIR, PROJECT_ROOT, get_settings
from dagster_project.transform.assets import DbtBuildConfig, dbt_build_args
from dagster_project.transform.profile import (
    MEMORY_LIMIT_VAR, THREADS_VAR, WAREHOUSE_PATH_VAR, profile_vars,
)
from dagster_project.transform.resource import CHECKED_DAGSTER_DBT, dbt_resource


def test_the_overridden_private_hooks_are_the_ones_dagster_dbt_calls():
    # An upgrade must be re-checked: a renamed hook would silently bring back the `dbt --version`
    # subprocess and the in-process adapter on every run.
    assert version("dagster-dbt") == CHECKED_DAGSTER_DBT
    assert isinstance(inspect.getattr_static(DbtCliResource, "_cli_version"), cached_property)
    assert callable(DbtCliResource._initialize_dbt_core_adapter)
    cli_source = inspect.getsource(DbtCliResource.cli)
    assert "self._cli_version" in cli_source
    assert "self._initialize_dbt_core_adapter(" in cli_source


def test_a_dbt_invocation_runs_no_version_check_and_builds_no_adapter(tmp_path):
    # dbt through a shim that records every command line it is started with
    calls = tmp_path / "calls.jsonl"
    shim = tmp_path / "dbt"
    real = Path(sys.executable).parent / "dbt"
    shim.write_text(
        f"#!{sys.executable}\nimport json, os, sys\n"
        f"open({str(calls)!r}, 'a').write(json.dumps(sys.argv[1:]) + '\\n')\n"
        f"os.execv({str(real)!r}, [{str(real)!r}, *sys.argv[1:]])\n")
    shim.chmod(0o755)
    dbt = dbt_resource(str(shim))
    invocation = dbt.cli(["debug", "--config-dir"], target_path=tmp_path / "target").wait()
    assert invocation.is_successful()
    assert invocation.adapter is None
    started = [json.loads(line) for line in calls.read_text().splitlines()]
    assert started == [["debug", "--config-dir"]]
    assert dbt._cli_version.base_version == version("dbt-core")


def test_dbt_takes_the_warehouse_from_its_vars_not_the_environment(tmp_path, monkeypatch):
    # The dbt step passes the run's warehouse on dbt's command line; the environment (a stale or
    # relative WAREHOUSE_PATH, which dbt would read in its own folder) is not consulted.
    monkeypatch.setenv("WAREHOUSE_PATH", str(tmp_path / "from_environment.duckdb"))
    warehouse = tmp_path / "from_vars.duckdb"
    before = dict(os.environ)
    variables = profile_vars(get_settings(), str(warehouse))
    dbt = dbt_resource()
    invocation = dbt.cli(["debug", "--vars", json.dumps(variables)],
                         target_path=tmp_path / "target", raise_on_error=False).wait()
    assert warehouse.exists(), invocation.get_error()
    assert not (tmp_path / "from_environment.duckdb").exists()
    assert dict(os.environ) == before


def test_build_args_carry_the_profile_vars_and_the_run_config_in_one_sorted_vars():
    variables = {WAREHOUSE_PATH_VAR: "/w.duckdb", THREADS_VAR: 4, MEMORY_LIMIT_VAR: "4GB"}
    args = dbt_build_args(DbtBuildConfig(full_refresh=True, lookback_months=2), variables)
    assert args[:2] == ["build", "--full-refresh"]
    assert args.count("--vars") == 1
    text = args[args.index("--vars") + 1]
    assert json.loads(text) == {**variables, "lookback_months": 2}
    assert text == json.dumps(json.loads(text), sort_keys=True)
    assert variables == {WAREHOUSE_PATH_VAR: "/w.duckdb", THREADS_VAR: 4, MEMORY_LIMIT_VAR: "4GB"}


def test_profile_fallbacks_equal_the_settings_defaults(monkeypatch):
    for name in ("WAREHOUSE_PATH", "DBT_THREADS", "DUCKDB_MEMORY_LIMIT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(PROJECT_ROOT)
    output = yaml.safe_load((DBT_PROJECT_DIR / "profiles.yml").read_text())[
        "nhs_improvement"]["outputs"]["dev"]
    fallback = {}
    for text in (output["path"], output["threads"], output["settings"]["memory_limit"]):
        var, env, default = re.search(
            r"var\('(\w+)', env_var\('(\w+)', '([^']*)'\)\)", text).groups()
        fallback[var] = default
    expected = profile_vars(get_settings(), str(get_settings().warehouse_path))
    assert set(fallback) == set(expected)
    assert str(Path(fallback[WAREHOUSE_PATH_VAR]).resolve()) == expected[WAREHOUSE_PATH_VAR]
    assert int(fallback[THREADS_VAR]) == expected[THREADS_VAR]
    assert fallback[MEMORY_LIMIT_VAR] == expected[MEMORY_LIMIT_VAR]
