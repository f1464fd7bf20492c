"""dbt nodes whose inputs have not changed since they were last built are carried, not rebuilt.

A quiet night, or a second run the same day, would rebuild every model from the same rows to the
same tables and run every dbt test to the same verdict. So each model, seed and test has a state
key: a hash of everything its result depends on (`node_keys`):
- the dbt project's files and the dbt versions (`project_digest`): any change rebuilds all;
- the run's dbt arguments and engine (the vars, a lookback, the warehouse);
- every source table it reads, directly or through other models: columns, types, row count and
  the sum of a hash of every whole row (quality/fingerprint.py, one scan each in DuckDB);
- today's date, for a node whose SQL, or any macro it calls, reads the clock
  (`dbt.current_timestamp()`, `current_date`, ...), and every node downstream of one.

The key of each node dbt built and passed is recorded in `quality.dbt_builds`. A node is rebuilt
when its key differs from the recorded one, when none is recorded, or when anything upstream of
it is rebuilt in this run; the rest is carried. Before dbt starts, the keys of the nodes it will
build are forgotten and only written back once the whole build succeeded: a crash or a failed
test leaves them absent, and the next run rebuilds them. A test is recorded only when it passed,
so a warning is raised again every run.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from ..quality.fingerprint import digest, relation_fingerprint
from ..quality.history import utcnow
from ..quality.relations import relation_exists

DBT_BUILDS = "quality.dbt_builds"
DBT_BUILDS_DDL = f"""
create table if not exists {DBT_BUILDS} (
    node varchar not null,
    state_key varchar not null,
    run_id varchar not null,
    built_at timestamp not null
)
"""

# SQL that reads the clock: its result changes from one day to the next on the same rows.
CLOCK = re.compile(r"current_timestamp|current_date|\bnow\s*\(|run_started_at|invocation_id"
                   r"|modules\.datetime|\bgetdate\s*\(|\bsysdate\b", re.IGNORECASE)
COMMENTS = re.compile(r"--[^\n]*|/\*.*?\*/|\{#.*?#\}", re.DOTALL)
# Written by dbt, Spark or the pipeline inside the project folder: not the project's code.
NOT_PROJECT_CODE = frozenset({"target", "logs", "dbt_packages", "derby.log", ".user.yml",
                              "metastore_db", "spark-warehouse", "__pycache__"})
DBT_PACKAGES = ("dbt-core", "dbt-duckdb", "dbt-spark")
# run_results.json statuses of a node whose key may be recorded
RECORDED_STATUSES = ("success", "pass")


def project_digest(project_dir: Path) -> str:
    """A hash of every file of the dbt project (paths and bytes) and the installed dbt versions."""
    sha = hashlib.sha256()
    root = Path(project_dir)
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if d not in NOT_PROJECT_CODE)
        for name in sorted(f for f in files if f not in NOT_PROJECT_CODE):
            path = Path(folder) / name
            if not path.is_symlink():
                sha.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes()
                           + b"\0")
    for package in DBT_PACKAGES:
        try:
            sha.update(f"{package}=={version(package)}".encode())
        except PackageNotFoundError:
            pass
    return sha.hexdigest()


def reads_the_clock(manifest: Mapping[str, Any]) -> set[str]:
    """Nodes whose SQL or macros read the clock, with every node downstream of one."""
    macros = manifest.get("macros", {})
    memo: dict[str, bool] = {}

    def macro_reads(uid: str) -> bool:
        if uid not in memo:
            memo[uid] = False  # a macro calling itself does not loop
            macro = macros.get(uid, {})
            memo[uid] = bool(CLOCK.search(COMMENTS.sub("", macro.get("macro_sql", "")))) or any(
                macro_reads(m) for m in macro.get("depends_on", {}).get("macros", []))
        return memo[uid]

    direct = {uid for uid, node in manifest["nodes"].items()
              if CLOCK.search(COMMENTS.sub("", node.get("raw_code") or ""))
              or any(macro_reads(m) for m in node.get("depends_on", {}).get("macros", []))}
    return direct | descendants(manifest, direct)


def descendants(manifest: Mapping[str, Any], roots: Iterable[str]) -> set[str]:
    children = manifest.get("child_map", {})
    found: set[str] = set()
    stack = list(roots)
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def in_build_order(manifest: Mapping[str, Any], nodes: Iterable[str]) -> list[str]:
    """`nodes` with every node after the nodes it reads (Dagster takes a multi-asset's outputs
    in that order)."""
    wanted, parents = set(nodes), manifest.get("parent_map", {})
    ordered: list[str] = []
    placed: set[str] = set()

    def place(uid: str) -> None:
        stack = [(uid, iter(sorted(parents.get(uid, []))))]
        placed.add(uid)
        while stack:
            node, pending = stack[-1]
            parent = next((p for p in pending if p not in placed), None)
            if parent is None:
                stack.pop()
                if node in wanted:
                    ordered.append(node)
            else:
                placed.add(parent)
                stack.append((parent, iter(sorted(parents.get(parent, [])))))

    for uid in sorted(wanted):
        if uid not in placed:
            place(uid)
    return ordered


def upstream_sources(manifest: Mapping[str, Any], uid: str,
                     memo: dict[str, frozenset[str]]) -> frozenset[str]:
    """The sources `uid` reads, directly or through other nodes."""
    if uid not in memo:
        memo[uid] = frozenset()  # a cycle (never in a parsed project) does not loop
        found: set[str] = set()
        for parent in manifest.get("parent_map", {}).get(uid, []):
            if parent.startswith("source."):
                found.add(parent)
            else:
                found |= upstream_sources(manifest, parent, memo)
        memo[uid] = frozenset(found)
    return memo[uid]


def source_fingerprints(con, manifest: Mapping[str, Any], sources: Iterable[str]) -> dict:
    """Each source's fingerprint in the warehouse; a source not (yet) delivered is `absent`."""
    out = {}
    for uid in sorted(set(sources)):
        source = manifest["sources"][uid]
        relation = f"{source['schema']}.{source.get('identifier') or source['name']}"
        out[uid] = (relation_fingerprint(con, relation) if relation_exists(con, relation)
                    else "absent")
    return out


def today() -> list[str]:
    """The date as the warehouse may see it (UTC) and as this machine does (local)."""
    return [datetime.now(timezone.utc).date().isoformat(), date.today().isoformat()]


def node_keys(con, manifest: Mapping[str, Any], nodes: Iterable[str],
              build: Mapping[str, Any]) -> dict[str, str]:
    """Each node's state key (module docstring): `build` is what every node shares (the
    project's digest, the dbt arguments, the engine)."""
    nodes = sorted(set(nodes))
    memo: dict[str, frozenset[str]] = {}
    sources = {uid: upstream_sources(manifest, uid, memo) for uid in nodes}
    fingerprints = source_fingerprints(con, manifest, set().union(*sources.values()))
    clock = reads_the_clock(manifest)
    return {uid: digest({"build": build,
                         "sources": {s: fingerprints[s] for s in sorted(sources[uid])},
                         "date": today() if uid in clock else None})
            for uid in nodes}


@dataclass(frozen=True)
class CarryPlan:
    keys: dict[str, str]  # every planned node's state key
    rebuild: list[str]  # nodes dbt builds (or tests it runs) in this run
    carried: dict[str, str] = field(default_factory=dict)  # node -> the run that built it


def recorded_builds(con, nodes: Iterable[str]) -> dict[str, tuple[str, str]]:
    """node -> (state key, run) of its last recorded build."""
    if not relation_exists(con, DBT_BUILDS):
        return {}
    wanted = set(nodes)
    return {node: (key, run) for node, key, run in con.execute(
        f"select node, state_key, run_id from {DBT_BUILDS}").fetchall() if node in wanted}


def plan_carry(con, manifest: Mapping[str, Any], nodes: Iterable[str],
               build: Mapping[str, Any]) -> CarryPlan:
    """Which of `nodes` to build and which to carry (module docstring)."""
    keys = node_keys(con, manifest, nodes, build)
    recorded = recorded_builds(con, keys)
    changed = {uid for uid, key in keys.items() if recorded.get(uid, (None,))[0] != key}
    rebuild = (changed | descendants(manifest, changed)) & set(keys)
    carried = {uid: recorded[uid][1] for uid in keys if uid not in rebuild}
    return CarryPlan(keys=keys, rebuild=sorted(rebuild), carried=carried)


def forget_builds(con, nodes: Iterable[str]) -> None:
    """Before dbt starts: the nodes it is about to build are no longer known good."""
    nodes = sorted(set(nodes))
    con.execute("create schema if not exists quality")
    con.execute(DBT_BUILDS_DDL)
    if nodes:
        con.execute(f"delete from {DBT_BUILDS} where list_contains(?, node)", [nodes])


def record_builds(con, keys: Mapping[str, str], results: Iterable[Mapping[str, Any]],
                  run_id: str) -> list[str]:
    """After a successful build: the key of every planned node dbt built or passed (from
    run_results.json). Returns the nodes recorded."""
    built = sorted(r["unique_id"] for r in results
                   if r.get("status") in RECORDED_STATUSES and r.get("unique_id") in keys)
    forget_builds(con, built)
    if built:
        # one statement: DuckDB's executemany runs one insert per row
        con.execute(f"insert into {DBT_BUILDS} select unnest(?), unnest(?), ?, ?",
                    [built, [keys[uid] for uid in built], run_id, utcnow()])
    return built


def record_carried_tests(con, carried_tests: Mapping[str, str], names: Mapping[str, str],
                         run_id: str) -> int:
    """The dbt test results of the runs that last ran the carried tests, recorded again for this
    run (as a carried Great Expectations suite is): the history has every check every run."""
    if not carried_tests or not relation_exists(con, "quality.check_results"):
        return 0
    pairs = [(names[uid], run) for uid, run in carried_tests.items()]
    before = con.execute("select count(*) from quality.check_results").fetchone()[0]
    con.execute("""
        insert into quality.check_results
        select ?, r.asset_key, r.check_name, r.check_source, r.severity, r.passed,
               r.observed_value, r.failing_count, ?
        from quality.check_results r
        join (select unnest(?) as c) p
          on r.check_name = p.c[1] and r.run_id = p.c[2]
        where r.check_source = 'dbt'""", [run_id, utcnow(), [list(p) for p in pairs]])
    return con.execute("select count(*) from quality.check_results").fetchone()[0] - before
