"""An optional column added to a contract after a warehouse was built (org_structure's
`org_name`): the raw table gains the column, its older rows null, and files with and without the
column both load. Any other difference between a raw table and its contract still refuses it."""

from __future__ import annotations

import pytest

from dagster_project.contracts import CONTRACTS_BY_NAME
from dagster_project.ingest.load import raw_columns
from dagster_project.ingest.validate import quote_ident

from .ingest_helpers import load, load_log, valid_rows

ORG = CONTRACTS_BY_NAME["org_structure"]


def _create_old_table(con, drop: str) -> None:
    """raw.org_structure as a release without column `drop` created it."""
    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    cols = [(n, t) for n, t in raw_columns(ORG) if n != drop]
    con.execute("CREATE TABLE raw.org_structure ("
                + ", ".join(f"{quote_ident(n)} {t}" for n, t in cols) + ")")


def test_org_name_is_optional_in_the_contract():
    assert "org_name" in ORG.column_names
    assert "org_name" not in ORG.required_columns


def test_an_older_raw_table_gains_the_optional_column_and_keeps_its_rows(con, landing):
    _create_old_table(con, drop="org_name")
    con.execute("INSERT INTO raw.org_structure (org_code, site_code, location_code, _file_name) "
                "VALUES ('ZZT', 'OLDSITE', 'OLDWARD', 'org_structure_20240101.csv')")
    named = [dict(r, org_name="Synthetic Trust ZZT") for r in valid_rows("org_structure")]
    landing.write_rows("org_structure", named)

    result = load(con, landing, "org_structure")

    assert result.files_loaded == 1 and result.rows_quarantined == 0, result.markdown()
    rows = con.execute("SELECT location_code, org_name FROM raw.org_structure "
                       "ORDER BY location_code").fetchall()
    assert rows == [("ED1", "Synthetic Trust ZZT"), ("OLDWARD", None),
                    ("WARD1", "Synthetic Trust ZZT"), ("WARD2", "Synthetic Trust ZZT")]


def test_a_file_without_the_optional_column_loads_with_it_null(con, landing):
    columns = [c for c in ORG.column_names if c != "org_name"]
    landing.write_rows("org_structure", columns=columns)

    result = load(con, landing, "org_structure")

    assert result.files_loaded == 1 and result.rows_quarantined == 0, result.markdown()
    assert con.execute("SELECT count(*), count(org_name) FROM raw.org_structure"
                       ).fetchone() == (len(valid_rows("org_structure")), 0)


def test_a_raw_table_missing_a_required_column_is_still_refused(con, landing):
    _create_old_table(con, drop="csu_code")
    landing.write_rows("org_structure")

    with pytest.raises(RuntimeError, match="does not match its declaration"):
        load(con, landing, "org_structure")
    assert load_log(con, "org_structure") == []
