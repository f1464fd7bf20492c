"""The dbt project, alone in its module. Its manifest is prepared by the setup step
(`make setup` runs `dbt parse`), never parsed when this module is imported."""

from __future__ import annotations

from functools import cache

from dagster_dbt import DbtProject

from ..settings import DBT_PROJECT_DIR


@cache
def dbt_project() -> DbtProject:
    return DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
