"""The dbt models, seeds and tests as Dagster assets and asset checks (`dbt build`).

A failed dbt test or model fails the step once, without a retry (it would fail the same way);
only a warehouse locked by another process is retried (retries.py). A node whose inputs did not
change since it was last built is carried, not rebuilt (carry.py); when nothing changed, dbt is
not started at all.
"""


import json
import shutil
import signal
import subprocess
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets
from dagster_dbt.asset_utils import get_asset_check_key_for_test
from dagster_dbt.dbt_manifest import validate_manifest
from dagster_dbt.utils import ASSET_RESOURCE_TYPES

from ..console import Progress
from ..engine.dbt import dbt_on_engine
from ..resources import DUCKDB_WRITER_POOL, WarehouseResource
from ..retries import (
    TRANSIENT_RETRY_POLICY, WarehouseBusy, mentions_lock, only_transient_retried,
)
from ..settings import get_settings
from . import AFTER_VERDICTS_OP, DBT_OP, DBT_OPS  # noqa: F401 (re-exported)
from .carry import (
    CarryPlan, forget_builds, in_build_order, plan_carry, project_digest, record_builds,
    record_carried_tests,
)
from .parse_state import keep_parse_state, seed_parse_state, state_store
from .profile import profile_vars
from .project import dbt_project
from .translator import ProjectDbtTranslator

# A dbt process told to stop (SIGINT: it cancels its queries) gets this long before SIGKILL:
# a stopped run must end within seconds, and DuckDB rolls back what dbt had not committed.
DBT_STOP_SECONDS = 3
# run_results.json statuses of a node that did not pass
NOT_PASSED = ("error", "fail", "runtime error")
# dbt's own log file (in the run's target folder) at info, not its default debug: every SQL
# statement and connection event written as JSON cost ~3 s CPU of a small trust's 391-node build
# (10% of dbt's CPU). What failed is still there, in run_results.json and the compiled SQL.
DBT_FILE_LOG_LEVEL = "info"


class DbtBuildConfig(dg.Config):
    full_refresh: bool = False
    # Months an incremental model rebuilds behind its newest period (late, corrected data).
    lookback_months: int | None = None


def dbt_build_args(config: DbtBuildConfig, variables: dict[str, Any]) -> list[str]:
    """`dbt build` with the profile's `variables` (transform/profile.py) and the run's config,
    in one --vars (sorted: the same values give the same text, which dbt's parse state keys on)."""
    args = ["build"]
    if config.full_refresh:
        args.append("--full-refresh")
    args += ["--log-level-file", DBT_FILE_LOG_LEVEL]
    if config.lookback_months is not None:
        variables = {**variables, "lookback_months": config.lookback_months}
    return [*args, "--vars", json.dumps(variables, sort_keys=True)]


def run_target_path(context: dg.AssetExecutionContext) -> Path:
    """This invocation's own target folder, named as dagster-dbt names it (`<op>-<run>-<id>`),
    chosen here so the parse state is in it before dbt starts (parse_state.py)."""
    op, run = context.op_execution_context.op.name, context.run.run_id[:7]
    name = f"{op}-{run}-{uuid.uuid4().hex[:7]}"
    return dbt_project().project_dir / "target" / name


# A run's own dbt target folder (compiled SQL, run_results.json, dbt's log; ~15 MB for a small
# trust) is kept for looking into a failure; beyond the newest RUN_TARGETS_KEPT, folders older
# than RUN_TARGET_MIN_AGE are removed, so a nightly server's disk does not fill with them. A
# folder younger than that may belong to a dbt still running in another run: it stays.
RUN_TARGETS_KEPT = 20
RUN_TARGET_MIN_AGE = timedelta(days=1)


def prune_run_targets(target: Path, keep: int = RUN_TARGETS_KEPT,
                      min_age: timedelta = RUN_TARGET_MIN_AGE) -> list[Path]:
    """Remove the oldest run target folders (`<dbt op>-<run>-<id>`) of `target`; returns them."""
    def modified(folder: Path) -> float:
        try:
            return folder.stat().st_mtime
        except FileNotFoundError:  # removed by another run just now
            return 0.0

    folders = sorted((f for f in Path(target).iterdir() if f.is_dir() and not f.is_symlink()
                      and f.name.startswith(tuple(f"{op}-" for op in DBT_OPS))),
                     key=modified, reverse=True)
    cutoff = time.time() - min_age.total_seconds()
    removed = [f for f in folders[keep:] if modified(f) < cutoff]
    for folder in removed:
        shutil.rmtree(folder, ignore_errors=True)
    return removed


def node_results(run_results: Path) -> list[dict[str, Any]]:
    """The per-node results of run_results.json (none when dbt wrote no file)."""
    if not run_results.exists():
        return []
    return json.loads(run_results.read_text(encoding="utf-8")).get("results", [])


def not_passed(run_results: Path) -> list[tuple[str, str]]:
    """(node, message) of every dbt node that errored or failed, from run_results.json."""
    return [(r.get("unique_id", "?"), r.get("message") or "") for r in node_results(run_results)
            if r.get("status") in NOT_PASSED]


# dbt nodes that are Dagster assets: each built one must reach Dagster as an Output
BUILT_NODE_TYPES = tuple(f"{kind}." for kind in ASSET_RESOURCE_TYPES)
BUILT = ("success",)


def unreported_nodes(run_results: Path, reported: set[str]) -> list[str]:
    """Models, seeds and snapshots dbt built (run_results.json) that never reached Dagster as an
    Output. Their downstream steps would be skipped, and a skipped step does not fail a run: a
    night that silently published nothing (seen on Spark, where dagster-dbt's event stream fell
    short of dbt's own results)."""
    return sorted(r["unique_id"] for r in node_results(run_results)
                  if r.get("unique_id", "").startswith(BUILT_NODE_TYPES)
                  and r.get("status") in BUILT and r["unique_id"] not in reported)


def node_name(unique_id: str) -> str:
    """`test.<project>.<name>.<hash>` / `model.<project>.<name>` -> the name."""
    parts = unique_id.split(".")
    return parts[2] if len(parts) > 2 else unique_id


def dbt_failure(failed: list[tuple[str, str]], error: Exception | None) -> Exception:
    """What a failed `dbt build` raises: a warehouse locked by another process is transient
    (retried); a failed test, a model error or a broken contract fails at once."""
    texts = [message for _, message in failed] + [str(error or "")]
    if any(mentions_lock(text) for text in texts):
        return WarehouseBusy("dbt build: the warehouse was locked by another process")
    names = ", ".join(node_name(node) for node, _ in failed[:5])
    more = f" and {len(failed) - 5} more" if len(failed) > 5 else ""
    what = f"{len(failed)} dbt nodes did not pass: {names}{more}" if failed else "dbt failed"
    return dg.Failure(description=f"dbt build failed: {what} (see the dbt results above)",
                      allow_retries=False)


TRANSLATOR = ProjectDbtTranslator()

# dbt processes started by this process's steps and still running: a run stopped by a signal
# ends them (runner.py) even when the interrupt reached the step outside its `finally`.
running_dbt: set[subprocess.Popen] = set()


def stop_running_dbt() -> None:
    for process in list(running_dbt):
        stop_dbt(process)
        running_dbt.discard(process)


def stop_dbt(process: subprocess.Popen, grace_seconds: float = DBT_STOP_SECONDS) -> None:
    """Stop a dbt process still running when its step ends early (a signal stopped the run, or
    the step failed while reading dbt's events): dbt must not go on writing the warehouse."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=grace_seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def with_progress(events, context: dg.AssetExecutionContext, reported: set[str]):
    """dbt's events, passed through, with a progress line every few seconds; the dbt node of
    every Output is added to `reported`."""
    models_total = len(context.selected_output_names)
    tests_total = len(context.selected_asset_check_keys)
    progress = Progress(context.log.info)
    models = tests = 0
    for event in events:
        if isinstance(event, dg.AssetCheckResult):
            tests += 1
        elif isinstance(event, dg.Output | dg.AssetMaterialization):
            models += 1
            unique_id = (event.metadata or {}).get("unique_id")
            if unique_id is not None:
                reported.add(str(getattr(unique_id, "value", unique_id)))
        progress(models + tests, models_total + tests_total,
                 f"{models} of {models_total} models and seeds, "
                 f"{tests} of {tests_total} tests")
        yield event


# dbt runs in two selections: the models computed from the improvement register's impact
# verdicts (everything that reads the dbt source `improvement_verdicts`, M11 and the scorecard
# after it) run after the Dagster step that writes the verdicts (dagster_project/improvement),
# which reads models of the first selection. One selection would be a cycle.
AFTER_VERDICTS = "source:improvement_verdicts+"


def build_or_carry(context: dg.AssetExecutionContext, dbt: DbtCliResource,
                   warehouse: WarehouseResource, config: DbtBuildConfig):
    """`dbt build` of the nodes whose inputs changed since they were last built (carry.py); the
    others' results are carried. Nothing changed: dbt is not started at all."""
    from ..quality.history import record_dbt_results

    project = dbt_project()
    manifest = validate_manifest(project.manifest_path)
    variables = profile_vars(get_settings(), warehouse.resolved_path)
    build_args = dbt_build_args(config, variables)
    with warehouse.lock():
        selected = selected_nodes(context, manifest)
        with warehouse.connect() as con:
            plan = plan_carry(con, manifest, selected, carry_build_state(config))
            if config.full_refresh:  # everything is rebuilt, whatever its key
                plan = CarryPlan(keys=plan.keys, rebuild=sorted(plan.keys))
            forget_builds(con, plan.rebuild)
        if plan.carried:
            context.log.info(f"dbt: {len(plan.carried)} of {len(plan.keys)} nodes unchanged "
                             f"since they were last built, carried; {len(plan.rebuild)} to build")
            # first: a carried node is never downstream of a rebuilt one (carry.plan_carry)
            yield from carried_events(manifest, plan.carried)
        results: list[dict[str, Any]] = []
        if plan.rebuild:
            with dbt_on_engine(warehouse, project.manifest_path) as engine_args:
                args = engine_args(build_args)
                partial = plan.rebuild if plan.carried else None
                invocation, results, reported = yield from run_dbt(context, dbt, args,
                                                                   manifest, partial)
            run_results = invocation.target_path / "run_results.json"
            if run_results.exists():
                with warehouse.connect() as con:
                    record_dbt_results(con, run_results, context.run_id)
            if not invocation.is_successful():
                raise dbt_failure(not_passed(run_results), invocation.get_error())
            unreported = unreported_nodes(run_results, reported)
            if unreported:
                names = ", ".join(node_name(node) for node in unreported[:5])
                raise dg.Failure(
                    description=f"dbt built {len(unreported)} models or seeds whose results "
                                f"never reached Dagster ({names}"
                                f"{' and more' if len(unreported) > 5 else ''}): the step "
                                "fails so that nothing downstream is silently skipped",
                    allow_retries=False)
        with warehouse.connect() as con:
            record_builds(con, plan.keys, results, context.run_id)
            tests = {uid: run for uid, run in plan.carried.items() if uid.startswith("test.")}
            record_carried_tests(con, tests, {uid: manifest["nodes"][uid]["name"]
                                              for uid in tests}, context.run_id)


def carry_build_state(config: DbtBuildConfig) -> dict[str, Any]:
    """What every dbt node's result depends on besides its inputs (carry.py): the project, the
    arguments that change results (not the connection's: the record of what was built is kept
    in the warehouse itself, so a warehouse copied elsewhere carries its own tables) and where
    the engine keeps the tables."""
    settings = get_settings()
    return {"project": project_digest(dbt_project().project_dir),
            "args": dbt_build_args(config, {}), "engine": settings.warehouse_engine,
            "lake": str(settings.lake_dir)}


def run_dbt(context: dg.AssetExecutionContext, dbt: DbtCliResource, args: list[str],
            manifest: dict[str, Any], partial: list[str] | None):
    """One dbt process, its events passed on to Dagster; `partial`: only these nodes (by their
    fqn, tests chosen by name, none added indirectly), else the step's whole selection.
    Returns the invocation, its per-node results and the nodes that reached Dagster."""
    run_target = run_target_path(context)
    seed_parse_state(run_target, state_store(dbt_project().project_dir), args)
    if partial is None:
        invocation = dbt.cli(args, context=context, target_path=run_target,
                             raise_on_error=False)
        events = invocation.stream()
    else:
        selectors = ["fqn:" + ".".join(manifest["nodes"][uid]["fqn"]) for uid in partial]
        # one --select value: dagster-dbt takes a flag's first value only
        invocation = dbt.cli([*args, "--indirect-selection", "empty",
                              "--select", " ".join(selectors)],
                             manifest=manifest, dagster_dbt_translator=TRANSLATOR,
                             target_path=run_target, raise_on_error=False)
        events = (dagster_event for raw in invocation.stream_raw_events()
                  for dagster_event in raw.to_default_asset_events(
                      manifest=manifest, dagster_dbt_translator=TRANSLATOR, context=context,
                      target_path=run_target, project=dbt_project()))
    # dagster-dbt forwards an interrupt to dbt and waits this long (default 25 s)
    invocation.termination_timeout_seconds = DBT_STOP_SECONDS
    reported: set[str] = set()
    running_dbt.add(invocation.process)
    try:
        yield from with_progress(events, context, reported)
    finally:
        stop_dbt(invocation.process)
        running_dbt.discard(invocation.process)
    keep_parse_state(invocation.target_path, state_store(dbt_project().project_dir), args)
    prune_run_targets(run_target.parent)
    return invocation, node_results(invocation.target_path / "run_results.json"), reported


def selected_nodes(context: dg.AssetExecutionContext, manifest: dict[str, Any]) -> list[str]:
    """The dbt models, seeds and tests this step was asked for: its selected outputs and asset
    checks, and the tests that are no asset check (several parents) of selected models only."""
    project, outputs = dbt_project(), set(context.selected_output_names)
    checks = set(context.selected_asset_check_keys)
    nodes, observations = [], []
    for uid, node in manifest["nodes"].items():
        if node["resource_type"] in ASSET_RESOURCE_TYPES:
            key = TRANSLATOR.get_asset_spec(manifest, uid, project).key
            if key.to_python_identifier() in outputs:
                nodes.append(uid)
        elif node["resource_type"] == "test":
            check = get_asset_check_key_for_test(manifest, TRANSLATOR, uid, project)
            if check is None:
                observations.append(uid)
            elif check in checks:
                nodes.append(uid)
    built = set(nodes)
    nodes += [uid for uid in observations
              if set(manifest["nodes"][uid]["depends_on"]["nodes"]) <= built]
    return nodes


def carried_events(manifest: dict[str, Any], carried: dict[str, str]):
    """Dagster's record of each carried node: an Output for a model or seed, a passed check for
    a test, each naming the run that built or ran it."""
    project = dbt_project()
    for uid in in_build_order(manifest, carried):
        metadata = {"unique_id": uid, "carried_from_run": carried[uid]}
        if uid.startswith("test."):
            check = get_asset_check_key_for_test(manifest, TRANSLATOR, uid, project)
            if check is not None:
                yield dg.AssetCheckResult(asset_key=check.asset_key, check_name=check.name,
                                          passed=True, metadata=metadata)
        else:
            key = TRANSLATOR.get_asset_spec(manifest, uid, project).key
            yield dg.Output(None, output_name=key.to_python_identifier(), metadata=metadata)


def build_dbt_selections() -> list[dg.AssetsDefinition]:
    """The dbt project as the nightly job runs it: before the verdicts, and after them."""
    return [build_dbt_assets(exclude=AFTER_VERDICTS),
            build_dbt_assets(AFTER_VERDICTS_OP, select=AFTER_VERDICTS)]


def build_dbt_assets(name: str = DBT_OP, select: str = "fqn:*",
                     exclude: str | None = None) -> dg.AssetsDefinition:
    project = dbt_project()
    if not project.manifest_path.exists():
        raise FileNotFoundError(
            f"dbt manifest missing at {project.manifest_path}: run `make setup` "
            "(it runs `dbt parse`) before loading the Dagster definitions"
        )

    @dbt_assets(
        manifest=project.manifest_path,
        project=project,
        dagster_dbt_translator=TRANSLATOR,
        pool=DUCKDB_WRITER_POOL,
        retry_policy=TRANSIENT_RETRY_POLICY,
        name=name,
        select=select,
        exclude=exclude,
    )
    def dbt_models(
        context: dg.AssetExecutionContext,
        dbt: DbtCliResource,
        warehouse: WarehouseResource,
        config: DbtBuildConfig,
    ):
        with only_transient_retried("dbt build", context.retry_number):
            yield from build_or_carry(context, dbt, warehouse, config)

    return dbt_models
