"""The dbt models, seeds and tests as Dagster assets and asset checks (`dbt build`)."""


import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from ..resources import DUCKDB_WRITER_POOL, WarehouseResource
from .project import dbt_project
from .translator import ProjectDbtTranslator

PARTIAL_PARSE_FILE = "partial_parse.msgpack"


class DbtBuildConfig(dg.Config):
    full_refresh: bool = False
    # Months an incremental model rebuilds behind its newest period (late, corrected data).
    lookback_months: int | None = None


def dbt_build_args(config: DbtBuildConfig) -> list[str]:
    args = ["build"]
    if config.full_refresh:
        args.append("--full-refresh")
    if config.lookback_months is not None:
        args += ["--vars", json.dumps({"lookback_months": config.lookback_months})]
    return args


@contextmanager
def warehouse_env(path: str) -> Iterator[None]:
    """dbt runs in its project folder and reads WAREHOUSE_PATH: hand it the absolute path the
    rest of the run uses."""
    previous = os.environ.get("WAREHOUSE_PATH")
    os.environ["WAREHOUSE_PATH"] = os.path.abspath(path)
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("WAREHOUSE_PATH", None)
        else:
            os.environ["WAREHOUSE_PATH"] = previous


def keep_partial_parse(run_target: Path, project_dir: Path) -> None:
    """Keep this run's parse state where the next run's dbt invocation copies it from.

    dagster-dbt gives each run its own target folder and seeds it with
    `<project>/target/partial_parse.msgpack`; dbt discards that state when the profile differs
    (a different WAREHOUSE_PATH), and parses everything again: seconds on every run. Copying the
    state back means only the first run against a warehouse pays for a full parse."""
    produced = Path(run_target) / PARTIAL_PARSE_FILE
    if not produced.exists():
        return
    target = Path(project_dir) / "target"
    target.mkdir(parents=True, exist_ok=True)
    temporary = target / f".{PARTIAL_PARSE_FILE}.{os.getpid()}"
    shutil.copyfile(produced, temporary)
    os.replace(temporary, target / PARTIAL_PARSE_FILE)  # atomic: a reader never sees half


def build_dbt_assets() -> dg.AssetsDefinition:
    project = dbt_project()
    if not project.manifest_path.exists():
        raise FileNotFoundError(
            f"dbt manifest missing at {project.manifest_path}: run `make setup` "
            "(it runs `dbt parse`) before loading the Dagster definitions"
        )

    @dbt_assets(
        manifest=project.manifest_path,
        project=project,
        dagster_dbt_translator=ProjectDbtTranslator(),
        pool=DUCKDB_WRITER_POOL,
        retry_policy=dg.RetryPolicy(max_retries=2, delay=5, backoff=dg.Backoff.EXPONENTIAL),
    )
    def dbt_models(
        context: dg.AssetExecutionContext,
        dbt: DbtCliResource,
        warehouse: WarehouseResource,
        config: DbtBuildConfig,
    ):
        with warehouse.lock(), warehouse_env(warehouse.resolved_path):
            invocation = dbt.cli(dbt_build_args(config), context=context, raise_on_error=False)
            yield from invocation.stream()
        from ..quality.history import record_dbt_results

        keep_partial_parse(invocation.target_path, dbt_project().project_dir)
        run_results = invocation.target_path / "run_results.json"
        if run_results.exists():
            with warehouse.connect() as con:
                record_dbt_results(con, run_results, context.run_id)
        if not invocation.is_successful():
            raise dg.Failure(
                description="dbt build failed: see the dbt test and model results above",
            )

    return dbt_models
