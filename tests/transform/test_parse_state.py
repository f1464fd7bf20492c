"""dbt's parse state is kept per set of dbt arguments (transform/parse_state.py): a run reuses the
parse its own arguments made even when another warehouse's run came between (the night's second
dbt step, two runs at once); the dbt step's log file is at info, and still names what it built."""

from __future__ import annotations

import json
from pathlib import Path

from dagster_project.settings import get_settings
from dagster_project.transform.assets import DbtBuildConfig, dbt_build_args
from dagster_project.transform.parse_state import (
    PARTIAL_PARSE_FILE, STATES_KEPT, keep_parse_state, parse_key, seed_parse_state,
)
from dagster_project.transform.profile import profile_vars
from dagster_project.transform.resource import dbt_resource

SEED = "measure_catalogue"  # a small node that builds on an empty warehouse


def build_args(warehouse: Path, config: DbtBuildConfig | None = None) -> list[str]:
    variables = profile_vars(get_settings(), str(warehouse))
    return dbt_build_args(config or DbtBuildConfig(), variables)


def log_events(target: Path) -> list[dict]:
    return [json.loads(line)["info"] for line in (target / "dbt.log").read_text().splitlines()
            if line.startswith("{")]


def dbt_step(store: Path, warehouse: Path, target: Path) -> list[dict]:
    """What the dbt step does around dbt, on one seed: seed the state, build, keep the state."""
    args = build_args(warehouse)
    seed_parse_state(target, store, args)
    invocation = dbt_resource().cli([*args, "--select", SEED, "--resource-type", "seed"],
                                    target_path=target, raise_on_error=False).wait()
    assert invocation.is_successful(), invocation.get_error()
    keep_parse_state(target, store, args)
    return log_events(target)


def parsed_everything(events: list[dict]) -> bool:
    return any(e["name"] == "UnableToPartialParse" for e in events)


def test_a_run_reuses_its_own_parse_after_another_warehouses_run(tmp_path):
    store = tmp_path / "states"
    first, other = tmp_path / "a" / "warehouse.duckdb", tmp_path / "b" / "warehouse.duckdb"
    for warehouse in (first, other):
        warehouse.parent.mkdir()
    assert parsed_everything(dbt_step(store, first, tmp_path / "t1"))
    assert parsed_everything(dbt_step(store, other, tmp_path / "t2"))  # its own warehouse
    # the first warehouse again (the night's second step, the next night): no full parse,
    # although the other warehouse's state was kept after it
    events = dbt_step(store, first, tmp_path / "t3")
    assert not parsed_everything(events)
    assert any(e["name"] == "FoundStats" for e in events)
    # the log file is at info: no debug events (every SQL statement), what was built is named
    assert {e["level"] for e in events} <= {"info", "warn", "error"}
    assert any(e["name"] == "LogSeedResult" and SEED in e["msg"] for e in events)


def test_the_key_follows_what_dbt_checks_and_nothing_else(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    plain = parse_key(build_args(warehouse))
    assert parse_key(build_args(warehouse, DbtBuildConfig(full_refresh=True))) == plain
    assert parse_key([*build_args(warehouse), "--select", SEED]) == plain
    assert parse_key(build_args(tmp_path / "other.duckdb")) != plain
    assert parse_key(build_args(warehouse, DbtBuildConfig(lookback_months=1))) != plain
    assert parse_key([*build_args(warehouse), "--target", "spark"]) != plain


def test_no_state_seeds_nothing_and_the_oldest_states_are_pruned(tmp_path):
    store = tmp_path / "states"
    assert not seed_parse_state(tmp_path / "run", store, ["build", "--vars", "{}"])
    assert not (tmp_path / "run" / PARTIAL_PARSE_FILE).exists()
    keep_parse_state(tmp_path / "run", store, ["build"])  # dbt wrote no state: nothing kept
    assert not store.exists()
    produced = tmp_path / "produced"
    produced.mkdir()
    for n in range(STATES_KEPT + 3):
        (produced / PARTIAL_PARSE_FILE).write_text(str(n))
        keep_parse_state(produced, store, ["build", "--vars", json.dumps({"n": n})])
    assert len(list(store.glob("*.msgpack"))) == STATES_KEPT
    newest = ["build", "--vars", json.dumps({"n": STATES_KEPT + 2})]
    assert seed_parse_state(tmp_path / "again", store, newest)
    assert (tmp_path / "again" / PARTIAL_PARSE_FILE).read_text() == str(STATES_KEPT + 2)
    assert not list(store.glob(".*"))  # no temporary file left behind
