"""Adding a measure by the documented steps (dbt_project/README.md, "Adding a measure") takes
effect, and the usual mistake is caught by name.

Each test copies the dbt project to a temporary folder, edits the copy exactly as a data engineer
would, and builds it with real dbt on the tiny handcrafted raw layer (dev_warehouse.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from .dev_warehouse import build as build_raw_layer

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
DBT_DIR = REPO / "dbt_project"
CATALOGUE = Path("seeds/measure_catalogue.csv")
INCIDENT_BRANCHES = Path("macros/incident_measure_counts.sql")
# The end of the union-all branches in the incident family: a new branch goes just before it.
END_OF_BRANCHES = "\n\n    )\n{% endmacro %}"

# Step 1: one catalogue row (a ratio: its denominator is counted by its own branch).
Q08_ROW = ('Q08,"Patient-safety incidents with no physical harm, %",quality,percent,1,counted,'
           'increase,,p,p,,month,,small_count,0,45,N,incidents,"Patient-safety incidents graded no physical harm '
           'over all patient-safety incidents, by incident month."\n')
# Step 2: one union-all branch in the family model that counts it.
Q08_BRANCH = """
        union all
        -- Q08: no physical harm / patient-safety incidents
        select 'Q08', incident_month, csu_code, breakdown_value,
            case when physical_harm = 'none' then 1 else 0 end, 1, incident_date, incident_id
        from incidents where is_patient_safety_incident
"""
# A count measure whose catalogue row is added but whose SQL is forgotten.
Q09_ROW = ('Q09,Incidents with duty of candour applied,quality,count,1,none,neutral,,c,xmr,,month,,'
           'small_count,0,45,N,incidents,Incidents where the duty of candour applied.\n')


def _project_copy(tmp_path: Path) -> Path:
    project = tmp_path / "dbt_project"
    shutil.copytree(DBT_DIR, project, ignore=shutil.ignore_patterns("target", "logs"))
    return project


def _add_catalogue_row(project: Path, row: str) -> None:
    catalogue = project / CATALOGUE
    text = catalogue.read_text(encoding="utf-8")
    catalogue.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    with catalogue.open("a", encoding="utf-8") as f:
        f.write(row)


def _add_incident_branch(project: Path, branch: str) -> None:
    macro = project / INCIDENT_BRANCHES
    text = macro.read_text(encoding="utf-8")
    assert text.count(END_OF_BRANCHES) == 1, "the incident family's branches moved"
    macro.write_text(text.replace(END_OF_BRANCHES, branch.rstrip("\n") + END_OF_BRANCHES),
                     encoding="utf-8")


def _dbt_build(project: Path, warehouse: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "WAREHOUSE_PATH": str(warehouse),
           "DBT_SEND_ANONYMOUS_USAGE_STATS": "False"}
    dbt = Path(sys.executable).parent / "dbt"
    return subprocess.run(
        [str(dbt), "build", "--project-dir", str(project), "--profiles-dir", str(project)],
        env=env, capture_output=True, text=True, cwd=project)


def _rows(warehouse: Path, sql: str, *params) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def test_catalogue_row_and_one_branch_give_the_measure_its_values(tmp_path):
    project = _project_copy(tmp_path)
    warehouse = build_raw_layer(tmp_path / "warehouse.duckdb")
    _add_catalogue_row(project, Q08_ROW)
    _add_incident_branch(project, Q08_BRANCH)

    result = _dbt_build(project, warehouse)
    assert result.returncode == 0, result.stdout[-4000:]

    got = {(level, unit, period): (num, den, value, reason) for level, unit, period, num, den,
           value, reason in _rows(warehouse, """
        select level, unit_code, period, numerator, denominator, value, null_reason
        from marts.fct_scorecard_monthly where measure_id = 'Q08'""")}
    grid = _rows(warehouse, "select count(*) from marts.fct_scorecard_monthly "
                            "where measure_id = 'Q01'")[0][0]
    assert len(got) == grid, "Q08 has a row for every unit and month, like every measure"
    assert any(v[2] is not None for v in got.values())
    # independently: patient-safety incidents without harm over all of them, per CSU and month
    expected = _rows(warehouse, """
        select csu_code, incident_month,
               sum(case when physical_harm = 'none' then 1 else 0 end), count(*)
        from marts.fct_incidents where is_patient_safety_incident
        group by all""")
    assert expected
    for csu, month, no_harm, total in expected:
        num, den, value, reason = got[("csu", csu, month)]
        assert (num, den, value, reason) == (no_harm, total, no_harm / total, None)
    for (level, unit, period), (num, den, value, reason) in got.items():
        if den == 0:  # a month without patient-safety incidents: no value, with its reason
            assert value is None and reason == "zero_denominator"
    assert not _rows(warehouse, "select * from dbt_test__audit.assert_no_measure_is_all_null "
                                "where measure_id = 'Q08'")


def test_a_catalogue_row_without_its_sql_fails_the_build_naming_the_measure(tmp_path):
    project = _project_copy(tmp_path)
    warehouse = build_raw_layer(tmp_path / "warehouse.duckdb")
    _add_catalogue_row(project, Q09_ROW)  # ... and no branch anywhere

    result = _dbt_build(project, warehouse)
    assert result.returncode != 0
    assert "Failure in test assert_every_measure_is_computed" in result.stdout
    assert _rows(warehouse, "select measure_id from "
                            "dbt_test__audit.assert_every_measure_is_computed") == [("Q09",)]
    all_null = _rows(warehouse, "select measure_id, computed_by, first_null_reason from "
                                "dbt_test__audit.assert_no_measure_is_all_null "
                                "where measure_id = 'Q09'")
    assert all_null == [("Q09", "no family model", "not_computed")]
    # not silently zero: every Q09 value is null and says why
    assert _rows(warehouse, """select count(*), count(value), min(null_reason), max(null_reason)
        from marts.fct_scorecard_monthly where measure_id = 'Q09'""")[0][1:] == (
        0, "not_computed", "not_computed")
