"""A text snapshot of the Dagster definitions: every asset with its group and parents, every asset
check (and whether it blocks), every job with its steps and their upstream steps, every schedule
and sensor. It is committed beside this file, so a change to the graph is a diff a reviewer reads.

    .venv/bin/python -m tests.orchestration.graph_snapshot    # rewrite the snapshot

Built from the real definitions (the prepared dbt manifest included), with the settings that
shape them (the schedule's cron and timezone) at their defaults.
"""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg

SNAPSHOT = Path(__file__).with_name("asset_graph.snapshot.txt")
REGENERATE = ".venv/bin/python -m tests.orchestration.graph_snapshot"
# Settings read when the definitions are built; the snapshot shows their defaults.
SHAPING_SETTINGS = ("NIGHTLY_CRON", "NIGHTLY_TIMEZONE")


def _name(key) -> str:
    return key.to_user_string()


def _names(keys) -> str:
    return ", ".join(sorted(_name(k) for k in keys)) or "-"


def render(defs: dg.Definitions) -> str:
    graph = defs.resolve_asset_graph()
    assets = sorted(graph.get_all_asset_keys(), key=_name)
    checks = sorted(graph.asset_check_keys, key=_name)
    lines = [f"# The Dagster definitions. Regenerate: {REGENERATE}", "", f"## assets ({len(assets)})"]
    for key in assets:
        node = graph.get(key)
        lines.append(f"{_name(key)}  [group {node.group_name}]  <- {_names(node.parent_keys)}")
    lines += ["", f"## asset checks ({len(checks)})"]
    for key in checks:
        blocking = " [blocking]" if graph.get_check_spec(key).blocking else ""
        lines.append(f"{_name(key)}{blocking}")
    jobs = sorted((j for j in defs.resolve_all_job_defs() if not j.name.startswith("__")),
                  key=lambda j: j.name)
    lines += ["", f"## jobs ({len(jobs)})"]
    for job in jobs:
        deps = job.graph.dependency_structure
        lines.append(f"{job.name}:")
        for node in sorted(job.graph.nodes, key=lambda n: n.name):
            upstream = sorted({o.node_name for o in deps.all_upstream_outputs_from_node(node.name)})
            lines.append(f"  {node.name}  <- {', '.join(upstream) or '-'}")
    lines += ["", "## schedules"]
    for s in sorted(defs.schedules or [], key=lambda s: s.name):
        lines.append(f"{s.name}: job {s.job_name}, cron '{s.cron_schedule}' "
                     f"({s.execution_timezone}), default {s.default_status.value.lower()}")
    lines += ["", "## sensors"]
    for s in sorted(defs.sensors or [], key=lambda s: s.name):
        targets = ", ".join(sorted(t.job_name for t in s.targets))
        lines.append(f"{s.name}: job {targets}, every {s.minimum_interval_seconds} s, "
                     f"default {s.default_status.value.lower()}")
    return "\n".join(lines) + "\n"


def current() -> str:
    from dagster_project.definitions import build_definitions

    for var in SHAPING_SETTINGS:
        os.environ.pop(var, None)
    return render(build_definitions())


if __name__ == "__main__":
    SNAPSHOT.write_text(current(), encoding="utf-8")
    print(f"wrote {SNAPSHOT}")
