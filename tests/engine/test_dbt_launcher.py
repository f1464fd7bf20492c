"""dbt's event stream carries only dbt's events (engine/dbt_launcher.py): what dbt's child
processes write (Spark's JVM: its log and its console progress bar) reaches Dagster on lines of its
own, never glued onto one of dbt's JSON events, where dagster-dbt dropped it silently.

Real dbt (DuckDB) and real dagster-dbt: a Python model starts a child process that writes as the
JVM did, a progress bar redrawn with carriage returns and never ended by a newline."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import orjson

from dagster_project.engine.dbt_launcher import whole_lines
from dagster_project.transform.resource import dbt_executable, dbt_resource

# As captured from dbt's stdout during a Spark night (tests/spark), shortened: the bar of the
# stage that ran while a seed loaded, its clearing, then dbt's result event for that seed.
CAPTURED = (
    b"[Stage 8:>                                                          (0 + 2) / 2]\r\r"
    b"[Stage 8:=============================>                             (1 + 1) / 2]\r\r"
    b"                                                                                \r"
    b'{"data": {"node_info": {"materialized": "seed", "node_name": "measure_catalogue", '
    b'"node_status": "success", "unique_id": "seed.nhs_improvement.measure_catalogue"}, '
    b'"status": "INSERT 0 71"}, "info": {"level": "info", "name": "LogSeedResult"}}\n'
)

# What the JVM wrote, as a shell child of dbt's process writes it: to stderr and stdout (both
# the pipe dagster-dbt reads), the last write without a newline
CHILD_OUTPUT = (r"printf '\r[Stage 5:====>          (2 + 2) / 18]\r' >&2; "
                r"printf '26/11/30 00:36:24 WARN Child: a log line\n'; "
                r"printf '\r[Stage 6:>                (0 + 1) / 1]' >&2")


def parsed(line: bytes):
    """A line as dagster-dbt parses it (dbt_cli_invocation._stream_stdout), or None."""
    try:
        return orjson.loads(line.decode().strip())
    except orjson.JSONDecodeError:
        return None


def test_a_captured_progress_bar_glued_to_an_event_is_split_into_whole_lines():
    # read as one line (dbt's stdout as it was), the event does not parse: it was dropped
    assert parsed(CAPTURED) is None
    lines, rest = whole_lines(CAPTURED)
    assert rest == b""
    events = [event for event in map(parsed, lines) if event is not None]
    assert [e["info"]["name"] for e in events] == ["LogSeedResult"]
    # the bar's frames stay readable, each on its own line; its clearing (blank) is dropped
    assert [line[:8] for line in lines[:-1]] == [b"[Stage 8", b"[Stage 8"]
    # an unfinished line waits for the rest
    assert whole_lines(b'x\n{"data": ') == ([b"x"], b'{"data": ')


def write_project(root: Path) -> Path:
    """A dbt project on DuckDB: a Python model whose child process writes like the JVM, and a
    SQL model and a data test after it."""
    (root / "models").mkdir(parents=True)
    (root / "dbt_project.yml").write_text(textwrap.dedent("""\
        name: launcher_check
        version: "1.0"
        profile: launcher_check
        """))
    (root / "profiles.yml").write_text(textwrap.dedent(f"""\
        launcher_check:
          target: dev
          outputs:
            dev:
              type: duckdb
              path: "{root / 'warehouse.duckdb'}"
              threads: 1
        """))
    (root / "models" / "child_writes.py").write_text(textwrap.dedent(f"""\
        import subprocess


        def model(dbt, session):
            dbt.config(materialized="table")
            subprocess.run(["sh", "-c", {CHILD_OUTPUT!r}], check=True)
            return session.sql("select 1 as id")
        """))
    (root / "models" / "after_child.sql").write_text(
        "select id + 1 as id from {{ ref('child_writes') }}\n")
    (root / "models" / "schema.yml").write_text(textwrap.dedent("""\
        models:
          - name: after_child
            columns:
              - name: id
                data_tests: [not_null]
        """))
    return root


def built_and_reported(dbt, project: Path) -> tuple[set[str], set[str]]:
    """(the nodes in dbt's run_results.json, the nodes whose result event dagster-dbt parsed)."""
    target = project / "target" / "run"
    invocation = dbt.cli(["build"], target_path=target, raise_on_error=True)
    reported = {event.raw_event["data"]["node_info"]["unique_id"]
                for event in invocation.stream_raw_events() if event.is_result_event}
    results = json.loads((target / "run_results.json").read_text())["results"]
    return {r["unique_id"] for r in results}, reported


def test_every_result_reaches_dagster_while_a_child_process_writes_to_the_pipe(tmp_path, capsys):
    project = write_project(tmp_path / "project")
    built, reported = built_and_reported(dbt_resource(project_dir=project), project)
    assert len(built) == 3  # two models and a test
    assert reported == built
    # what the child wrote is still shown (dagster-dbt echoes lines that are not events)
    echoed = capsys.readouterr().out.splitlines()
    assert "26/11/30 00:36:24 WARN Child: a log line" in echoed
    assert any(line.startswith("[Stage 6:>") for line in echoed)


def test_dbt_exit_status_and_errors_come_through_the_launcher(tmp_path):
    project = write_project(tmp_path / "project")
    (project / "models" / "broken.sql").write_text("select no_such_column from no_such_table\n")
    invocation = dbt_resource(project_dir=project).cli(
        ["run", "--select", "broken"], target_path=project / "target" / "run",
        raise_on_error=False).wait()
    assert invocation.process.returncode == 1
    assert "no_such_table" in str(invocation.get_error())  # dbt's error event was parsed


def test_without_the_launcher_the_child_output_loses_a_result(tmp_path):
    # the fixture is not vacuous: dbt started directly (as before the launcher) loses the result
    # event written after the child's unfinished line
    project = write_project(tmp_path / "project")
    built, reported = built_and_reported(dbt_resource(dbt_executable(), project), project)
    assert "model.launcher_check.child_writes" in built - reported
