"""The dbt CLI resource, without the start-up work this project does not need.

dagster-dbt's `DbtCliResource` runs `dbt --version` in a subprocess on every run to learn the dbt
version (4-5 s here: it loads every adapter plugin and asks PyPI for the latest release, which a
machine without internet waits on), and builds a dbt adapter in the Dagster process (importing
dbt, ~2 s) for column-metadata features this project does not use. dbt runs from the same
environment as this code, so its version is the installed dbt-core's.
"""

from functools import cached_property
from importlib.metadata import version as installed_version

from dagster_dbt import DbtCliResource
from packaging import version


class ProjectDbtCliResource(DbtCliResource):
    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(installed_version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):  # noqa: ARG002 - the adapter is not used
        return None
