"""The dbt command dbt_project/README.md gives, run as written from the repository root."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dagster_project.settings import DBT_PROJECT_DIR, PROJECT_ROOT

pytestmark = pytest.mark.integration

DEFAULT_WAREHOUSE = "$PWD/data/warehouse.duckdb"


def documented_dbt_command() -> str:
    text = (DBT_PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    [block] = [b for b in re.findall(r"```(?:bash)?\n(.*?)```", text, re.S) if "dbt build" in b]
    return block.strip()


def test_the_dbt_readme_command_works_from_the_repository_root(tiny_night, tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(tiny_night.warehouse, warehouse)
    command = documented_dbt_command()
    assert DEFAULT_WAREHOUSE in command  # the warehouse `make run` builds
    # on a scratch copy, one model, with dbt's own files kept out of the project
    if not (PROJECT_ROOT / ".venv").exists():  # tests run from another environment
        command = command.replace(".venv/bin/", f"{Path(sys.executable).parent}/")
    command = command.replace(DEFAULT_WAREHOUSE, str(warehouse)) + (
        f" --select stg_reference__org_structure --target-path {tmp_path}/target"
        f" --log-path {tmp_path}/logs")
    ran = subprocess.run(["bash", "-c", command], cwd=PROJECT_ROOT, capture_output=True,
                         text=True, timeout=600)
    assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-3000:]
    assert "Completed successfully" in ran.stdout
