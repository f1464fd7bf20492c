"""The dbt CLI resource, without the start-up work this project does not need.

dagster-dbt's `DbtCliResource.cli` does two things before it starts dbt that cost seconds and
serve nothing here:
- it runs `dbt --version` in a subprocess to learn the dbt version (loading every adapter plugin
  and asking PyPI for the latest release, which a machine without internet waits on);
- it builds a dbt adapter inside the Dagster process (profile, project and dbt's macros) for
  `fetch_column_metadata` / `fetch_row_counts`, which this project does not call (a failure
  there is only logged, so dagster-dbt itself treats the adapter as optional).

dagster-dbt 0.29 has no supported switch for either (DbtCliResource's fields are project_dir,
global_config_flags, profiles_dir, profile, target, dbt_executable and state_path; DbtProject's
preparer only runs `dbt parse` in development). So this class overrides the two private hooks
`cli` calls, and the behaviour relied on is pinned: pyproject.toml pins dagster-dbt exactly, and
tests/transform/test_dbt_resource.py fails if an upgrade renames or stops calling either hook
(the run would then silently pay the seconds again, or break).
dbt runs from the same environment as this code, so its version is the installed dbt-core's.
"""

import sys
from functools import cached_property
from importlib.metadata import version as installed_version
from pathlib import Path

from dagster_dbt import DbtCliResource
from packaging import version

from ..engine import dbt_launcher
from ..settings import DBT_PROJECT_DIR

DBT_LAUNCHER = Path(dbt_launcher.__file__)

# The dagster-dbt release whose private hooks these overrides were checked against.
CHECKED_DAGSTER_DBT = "0.29.27"


class ProjectDbtCliResource(DbtCliResource):
    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(installed_version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):  # noqa: ARG002 - the adapter is not used
        return None


def dbt_executable() -> str:
    """The dbt installed beside this Python, so a run needs no activated virtualenv."""
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else "dbt"


def dbt_command() -> list[str]:
    """How dbt is started: when it is installed beside this Python, through the launcher that
    keeps whatever dbt's child processes write (Spark's JVM) out of the event stream dagster-dbt
    reads (engine/dbt_launcher.py); otherwise the dbt on PATH."""
    if dbt_executable() == "dbt":
        return ["dbt"]
    return [sys.executable, "-P", str(DBT_LAUNCHER)]


def dbt_resource(executable: str | None = None,
                 project_dir: Path = DBT_PROJECT_DIR) -> ProjectDbtCliResource:
    """The project's dbt (`executable`, or `dbt_command()`), its profile beside it (profiles.yml,
    which takes the run's settings as --vars: transform/profile.py)."""
    # dagster-dbt starts `[dbt_executable, *global_config_flags, *args]`: the launcher's
    # interpreter and script are that command's first words
    command = [executable] if executable else dbt_command()
    return ProjectDbtCliResource(project_dir=str(project_dir), profiles_dir=str(project_dir),
                                 dbt_executable=command[0], global_config_flags=command[1:])
