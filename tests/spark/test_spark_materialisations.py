"""Every dbt relation a Python step reads is a table on Spark: Python reads Spark's tables as
Parquet (dagster_project/engine/marts.py), and a Spark view has none, so a view there fails the
step that reads it (as the impact step did on int_qi_measure_series). Asked of dbt itself
(`dbt ls --target spark`), without a Spark session."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from dagster_project.improvement.tables import INPUTS
from dagster_project.publish.disclosure import POLICY_MODELS
from dagster_project.settings import DBT_PROJECT_DIR

pytest.importorskip("dbt.adapters.spark", reason="dbt-spark is not installed")

DBT = str(Path(sys.executable).parent / "dbt")
# schemas whose relations the publish, SPC, quality and report steps read as a whole
READ_SCHEMAS = ("marts", "publish_candidate")


def spark_relations(work: Path) -> dict[str, tuple[str, str]]:
    """{name: (schema, materialisation)} of every model and seed on the spark target."""
    result = subprocess.run(
        [DBT, "ls", "--target", "spark", "--resource-type", "model", "--resource-type", "seed",
         "--output", "json", "--profiles-dir", ".", "--target-path", str(work),
         "--log-path", str(work), "--quiet"],
        cwd=DBT_PROJECT_DIR, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]
    nodes = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    return {n["name"]: (n["config"]["schema"], n["config"]["materialized"]) for n in nodes}


def test_every_relation_a_python_step_reads_is_a_table_on_spark(tmp_path):
    relations = spark_relations(tmp_path)
    read = {*INPUTS, *POLICY_MODELS,
            *(name for name, (schema, _) in relations.items() if schema in READ_SCHEMAS)}
    assert set(INPUTS) | set(POLICY_MODELS) <= set(relations)
    views = sorted(name for name in read if relations[name][1] in ("view", "ephemeral"))
    assert not views, f"views on Spark that Python reads (no Parquet to read): {views}"
    # not vacuous: the staging layer stays views
    assert relations["stg_incident__incidents"][1] == "view"
