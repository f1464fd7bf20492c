"""dbt nodes whose inputs did not change are carried, not rebuilt (dagster_project/transform/
carry.py): what decides it, on small manifests and real DuckDB, and a real re-run, a new day of
incidents and a rebuild of everything, whose carried tables must equal the rebuilt ones."""

from __future__ import annotations

import datetime as dt
import shutil

import duckdb
import pytest

from dagster_project.transform import DBT_OP
from dagster_project.transform import carry
from dagster_project.transform.carry import (
    descendants, forget_builds, in_build_order, plan_carry, reads_the_clock, record_builds,
)
from dagster_project.transform.keys import dbt_relation

from ..conftest import copy_env, run_nightly


def manifest(**sql: str) -> dict:
    """raw.a -> m1 -> m2, raw.b -> m3; a test on m2; `sql` overrides a model's code."""
    nodes = {f"model.p.{name}": {"raw_code": sql.get(name, "select 1"), "resource_type": "model",
                                 "depends_on": {"macros": [], "nodes": []}}
             for name in ("m1", "m2", "m3")}
    nodes["test.p.t2"] = {"raw_code": "", "resource_type": "test",
                          "depends_on": {"macros": [], "nodes": ["model.p.m2"]}}
    parents = {"model.p.m1": ["source.p.raw.a"], "model.p.m2": ["model.p.m1"],
               "model.p.m3": ["source.p.raw.b"], "test.p.t2": ["model.p.m2"]}
    children: dict[str, list[str]] = {}
    for child, ps in parents.items():
        for parent in ps:
            children.setdefault(parent, []).append(child)
    return {"nodes": nodes, "macros": {}, "parent_map": parents, "child_map": children,
            "sources": {f"source.p.raw.{t}": {"schema": "raw", "identifier": t, "name": t}
                        for t in ("a", "b")}}


@pytest.fixture
def con():
    con = duckdb.connect()
    con.execute("create schema raw; create table raw.a as select 1 as x; "
                "create table raw.b as select 2 as y")
    return con


def built(con, m: dict, plan, run_id: str) -> None:
    record_builds(con, plan.keys, [{"unique_id": u, "status": "success"} for u in plan.rebuild],
                  run_id)


def test_nothing_changed_carries_every_node_naming_the_run_that_built_it(con):
    m = manifest()
    first = plan_carry(con, m, m["nodes"], {"args": 1})
    assert first.rebuild == sorted(m["nodes"]) and not first.carried  # nothing recorded yet
    built(con, m, first, "run-1")
    again = plan_carry(con, m, m["nodes"], {"args": 1})
    assert again.rebuild == [] and again.carried == {uid: "run-1" for uid in m["nodes"]}


def test_a_changed_source_rebuilds_what_reads_it_and_nothing_else(con):
    m = manifest()
    built(con, m, plan_carry(con, m, m["nodes"], {"args": 1}), "run-1")
    con.execute("insert into raw.a values (3)")
    plan = plan_carry(con, m, m["nodes"], {"args": 1})
    assert plan.rebuild == ["model.p.m1", "model.p.m2", "test.p.t2"]
    assert plan.carried == {"model.p.m3": "run-1"}
    # a value changed in place (same row count) is a change too
    built(con, m, plan, "run-2")
    con.execute("update raw.b set y = 4")
    assert plan_carry(con, m, m["nodes"], {"args": 1}).rebuild == ["model.p.m3"]


def test_other_arguments_or_a_forgotten_build_rebuild(con):
    m = manifest()
    built(con, m, plan_carry(con, m, m["nodes"], {"args": 1}), "run-1")
    assert plan_carry(con, m, m["nodes"], {"args": 2}).rebuild == sorted(m["nodes"])
    forget_builds(con, ["model.p.m1"])  # as before a build that then crashed
    plan = plan_carry(con, m, m["nodes"], {"args": 1})
    # what reads a node being rebuilt is rebuilt after it, whatever its own key
    assert plan.rebuild == ["model.p.m1", "model.p.m2", "test.p.t2"]


def test_a_test_that_did_not_pass_is_not_recorded(con):
    m = manifest()
    plan = plan_carry(con, m, m["nodes"], {"args": 1})
    record_builds(con, plan.keys, [{"unique_id": "model.p.m2", "status": "success"},
                                   {"unique_id": "test.p.t2", "status": "warn"}], "run-1")
    assert "test.p.t2" in plan_carry(con, m, m["nodes"], {"args": 1}).rebuild


def test_a_node_reading_the_clock_is_rebuilt_the_next_day(con, monkeypatch):
    m = manifest(m1="select cast({{ dbt.current_timestamp() }} as date) as assessed_on")
    built(con, m, plan_carry(con, m, m["nodes"], {"args": 1}), "run-1")
    assert plan_carry(con, m, m["nodes"], {"args": 1}).rebuild == []  # the same day
    monkeypatch.setattr(carry, "today", lambda: ["2099-01-01", "2099-01-01"])
    assert plan_carry(con, m, m["nodes"], {"args": 1}).rebuild == [
        "model.p.m1", "model.p.m2", "test.p.t2"]


def test_the_clock_is_found_in_code_and_macros_but_not_in_comments():
    m = manifest(m1="-- the register as it is now (the newest snapshot)\nselect 1",
                 m3="select {{ stamp() }}")
    m["nodes"]["model.p.m3"]["depends_on"]["macros"] = ["macro.p.stamp"]
    m["macros"] = {"macro.p.stamp": {"macro_sql": "{% macro stamp() %}{{ helper() }}{% endmacro %}",
                                     "depends_on": {"macros": ["macro.p.helper"]}},
                   "macro.p.helper": {"macro_sql": "now()", "depends_on": {"macros": []}}}
    assert reads_the_clock(m) == {"model.p.m3"}
    m["nodes"]["model.p.m1"]["raw_code"] = "select current_date"
    assert reads_the_clock(m) == {"model.p.m1", "model.p.m2", "model.p.m3", "test.p.t2"}


def test_build_order_puts_every_node_after_what_it_reads():
    m = manifest()
    nodes = ["test.p.t2", "model.p.m2", "model.p.m1", "model.p.m3"]
    ordered = in_build_order(m, nodes)
    assert sorted(ordered) == sorted(nodes)
    for uid in ordered:
        for parent in m["parent_map"][uid]:
            if parent in nodes:
                assert ordered.index(parent) < ordered.index(uid), (parent, uid)


# ---------------------------------------------------------------------------------- real nights

def dbt_nodes(result, step: str = DBT_OP) -> dict[str, str | None]:
    """The dbt node of every materialization and check of `step`: the run it was carried from,
    or None when this run built it."""
    out = {}
    for event in result.all_events:
        if event.step_key != step:
            continue
        data = event.event_specific_data
        metadata = None
        if event.is_step_materialization:
            metadata = data.materialization.metadata
        elif event.event_type_value == "ASSET_CHECK_EVALUATION":
            metadata = data.metadata
        if metadata and "unique_id" in metadata:
            carried = metadata.get("carried_from_run")
            out[metadata["unique_id"].value] = carried.value if carried else None
    return out


def assert_dbt_not_started(result) -> None:
    """The night's first dbt step carried every node: no dbt process, no target folder."""
    from dagster_project.transform.project import dbt_project

    nodes = dbt_nodes(result)
    assert len(nodes) > 300 and all(nodes.values()), "a night with nothing new rebuilt a node"
    target = dbt_project().project_dir / "target"
    assert not list(target.glob(f"{DBT_OP}-{result.run_id[:7]}-*")), "dbt was started"


def test_a_new_day_rebuilds_what_reads_it_and_carries_the_rest(tiny_night, tmp_path):
    from dagster_dbt.dbt_manifest import validate_manifest

    from dagster_project.synthetic.deliveries import new_day_of_incidents
    from dagster_project.transform.project import dbt_project

    manifest_ = validate_manifest(dbt_project().manifest_path)
    env = copy_env(tiny_night, tmp_path / "night")
    # (a night with nothing new: tests/test_end_to_end.py, test_rerun_gives_the_same_published_tables)
    new_day_of_incidents(env.landing, dt.date(2026, 11, 1), count=20)
    night = run_nightly(env)
    assert night.success
    nodes = dbt_nodes(night)
    rebuilt = {uid for uid, run in nodes.items() if run is None}
    carried = {uid for uid, run in nodes.items() if run is not None}
    incidents = descendants(manifest_, ["source.nhs_improvement.incident.incidents"])
    training = descendants(manifest_, ["source.nhs_improvement.training.mandatory_training"])
    assert incidents & set(nodes) <= rebuilt  # whatever reads incidents was rebuilt
    assert (training - incidents) & carried  # training-only models were not
    con = duckdb.connect(str(env.warehouse), read_only=True)
    assert con.execute("select count(*) from marts.fct_incidents "
                       "where incident_id like 'NEWDAY%'").fetchone()[0] == 20
    con.close()

    # the carried tables are those a rebuild of everything gives
    shutil.copyfile(env.warehouse, tmp_path / "carried.duckdb")
    con = duckdb.connect(str(env.warehouse))
    con.execute("delete from quality.dbt_builds")
    con.close()
    full = run_nightly(env)
    assert full.success and not any(dbt_nodes(full).values())
    con = duckdb.connect(str(env.warehouse), read_only=True)
    con.execute(f"attach '{tmp_path / 'carried.duckdb'}' as carried (read_only)")
    models = [uid for uid in carried if manifest_["nodes"][uid]["resource_type"] == "model"]
    assert len(models) > 20
    for uid in models:
        name = dbt_relation(manifest_["nodes"][uid]["name"])
        for one, other in ((name, f"carried.{name}"), (f"carried.{name}", name)):
            extra = con.execute(f"select count(*) from (select * from {one} "
                                f"except all select * from {other})").fetchone()[0]
            assert extra == 0, f"{name}: a carried table differs from its rebuild"
