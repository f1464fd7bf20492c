"""OUTPUT_PERMISSIONS: nothing the pipeline writes is readable by everyone on the machine.

The real pipeline's outputs (the session's `pipeline_run`) and a real Dagster run on a
persistent DAGSTER_HOME are walked, file by file and folder by folder. Tests run as root, which
permission bits do not stop, so the bits themselves are what is asserted."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from dagster_project.permissions import UMASKS, output_umask
from dagster_project.settings import PROJECT_ROOT

# An operator's usual shell lets everyone read what it creates. Set here, when the tests are
# collected (before the session's pipeline runs), so the walks below prove that the pipeline
# sets its own umask rather than inheriting a strict one from whoever ran the tests.
LOOSE_UMASK = 0o022
os.umask(LOOSE_UMASK)


def loose_shell() -> None:
    os.umask(LOOSE_UMASK)


def too_open(root: Path, umask: int) -> list[str]:
    """Every file and folder under `root` (itself included) with a bit `umask` forbids."""
    found = []
    for path in [root, *root.rglob("*")]:
        info = path.lstat()
        if not stat.S_ISLNK(info.st_mode) and info.st_mode & umask:
            found.append(f"{oct(stat.S_IMODE(info.st_mode))} {path.relative_to(root.parent)}")
    return found


def test_the_pipeline_writes_nothing_anyone_else_can_read(pipeline_run):
    env, result = pipeline_run
    assert result.success
    written = [env.root / name for name in os.listdir(env.root) if name != env.landing.name]
    # what the run must have written, so the walk covers it: the warehouse and its lock, the
    # published folder with its Parquet, links and BI database, the report
    assert {env.warehouse, env.warehouse.with_name(env.warehouse.name + ".lock"),
            env.publish, env.report} <= set(written)
    assert (env.publish / "published.duckdb").is_file()
    assert any(env.report.rglob("*.png")) and any(env.publish.rglob("*.parquet"))
    assert [line for root in written for line in too_open(root, UMASKS["group"])] == []
    assert stat.S_IMODE(env.warehouse.stat().st_mode) == 0o640
    assert stat.S_IMODE(env.report.stat().st_mode) == 0o750


# A Dagster run the way the CLI runner makes one: definitions loaded, then the persistent
# instance in DAGSTER_HOME opened, then a step that writes.
DAGSTER_RUN = """
import sys, dagster as dg
from dagster_project.definitions import build_definitions
build_definitions()
instance = dg.DagsterInstance.from_config(sys.argv[1])

@dg.asset
def step() -> None:
    dg.get_dagster_logger().info("a step that logs, so its compute logs are written")

assert dg.materialize([step], instance=instance).success
"""


def test_dagster_home_is_written_owner_and_group_only(tmp_path):
    home = tmp_path / "dagster_home"
    home.mkdir(mode=0o755)  # as `make setup` makes it from a loose shell
    (home / "dagster.yaml").write_text((PROJECT_ROOT / "dagster.yaml").read_text())
    (home / "dagster.yaml").chmod(0o644)
    variables = {**os.environ, "DAGSTER_HOME": str(home)}
    variables.pop("OUTPUT_PERMISSIONS", None)  # the default: group
    subprocess.run([sys.executable, "-c", DAGSTER_RUN, str(home)], env=variables,
                   preexec_fn=loose_shell, check=True, cwd=tmp_path)
    assert (home / "storage").is_dir() and len(list(home.rglob("*"))) > 5
    assert too_open(home, UMASKS["group"]) == []


def test_owner_only_and_what_existed_before_is_brought_into_line(tmp_path):
    """`python -m dagster_project.permissions <command>` (how `make dev` starts Dagster)."""
    publish = tmp_path / "published"
    publish.mkdir(mode=0o755)
    (publish / "old.txt").write_text("from before")
    (publish / "old.txt").chmod(0o644)
    warehouse = tmp_path / "warehouse.duckdb"
    warehouse.write_bytes(b"")
    warehouse.chmod(0o644)
    variables = {**os.environ, "OUTPUT_PERMISSIONS": "owner", "PUBLISH_DIR": str(publish),
                 "WAREHOUSE_PATH": str(warehouse), "REPORT_DIR": str(tmp_path / "report"),
                 "DAGSTER_HOME": str(tmp_path / "home")}
    subprocess.run([sys.executable, "-m", "dagster_project.permissions", "sh", "-c",
                    "mkdir new_folder && touch new_folder/new_file"],
                   cwd=publish, env=variables, preexec_fn=loose_shell, check=True)
    assert too_open(publish, UMASKS["owner"]) == []
    assert too_open(warehouse, UMASKS["owner"]) == []
    assert stat.S_IMODE((publish / "new_folder" / "new_file").stat().st_mode) == 0o600
    assert stat.S_IMODE((publish / "new_folder").stat().st_mode) == 0o700


def test_an_unknown_choice_is_refused_by_name(monkeypatch):
    monkeypatch.setenv("OUTPUT_PERMISSIONS", "world")
    with pytest.raises(ValueError, match="OUTPUT_PERMISSIONS='world': use one of group, owner"):
        output_umask()
