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

from ..settings import DBT_PROJECT_DIR

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


def dbt_resource(executable: str | None = None) -> ProjectDbtCliResource:
    """The project's dbt, its profile beside it (profiles.yml, which takes the run's settings
    as --vars: transform/profile.py)."""
    return ProjectDbtCliResource(project_dir=str(DBT_PROJECT_DIR),
                                 profiles_dir=str(DBT_PROJECT_DIR),
                                 dbt_executable=executable or dbt_executable())
