"""The rebase seed (dbt_project/seeds/spc_rebase_dates.csv) is tested by dbt: a row naming an
unknown measure, level or unit, or an unreadable date, fails the build and is listed; good rows
pass. Built with real dbt on a copy of the project and the tiny handcrafted raw layer."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from .dev_warehouse import ORG, build as build_raw_layer
from .test_adding_a_measure import DBT_DIR, _dbt_build

pytestmark = pytest.mark.integration

HEADER = "measure_id,level,unit_code,rebase_date,reason\n"
GOOD = ["Q05,csu,CA,2024-12-01,falls bundle", f"D02,organisation,{ORG},2024-11-01,new triage"]
BAD = {
    "Q99,csu,CA,2024-12-01,typo in the measure": "unknown measure_id",
    "Q05,ward,CA,2024-12-01,not a level": "unknown level",
    "Q05,csu,ZZ,2024-12-01,not a CSU": "unknown unit_code for the level",
    f"Q05,csu,{ORG},2024-12-01,the organisation is not a CSU": "unknown unit_code for the level",
    "Q05,csu,CB,01/12/2024,not ISO": "rebase_date is not a date",
}


def _build_with_seed(tmp_path, rows):
    project = tmp_path / "dbt_project"
    shutil.copytree(DBT_DIR, project, ignore=shutil.ignore_patterns("target", "logs"))
    (project / "seeds" / "spc_rebase_dates.csv").write_text(
        HEADER + "".join(f"{row}\n" for row in rows), encoding="utf-8")
    warehouse = build_raw_layer(tmp_path / "warehouse.duckdb")
    return _dbt_build(project, warehouse), warehouse


def test_good_rows_pass_and_every_bad_row_is_listed(tmp_path):
    result, warehouse = _build_with_seed(tmp_path, GOOD + list(BAD))
    assert result.returncode != 0
    assert "Failure in test assert_spc_rebase_dates_are_known" in result.stdout
    with duckdb.connect(str(warehouse), read_only=True) as con:
        listed = con.execute("select measure_id, level, unit_code, rebase_date, reason, problem "
                             "from dbt_test__audit.assert_spc_rebase_dates_are_known").fetchall()
        # every row reaches the warehouse as text, in file order, for the SPC step to name
        seeded = con.execute("select measure_id, level, unit_code, rebase_date "
                             "from marts.spc_rebase_dates").fetchall()
    assert sorted((",".join(r[:5]), r[5]) for r in listed) == sorted(BAD.items())
    assert seeded == [tuple(row.split(",")[:4]) for row in GOOD + list(BAD)]
