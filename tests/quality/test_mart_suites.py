"""Every mart has a Great Expectations suite, wired as an asset check; the suites of
`marts.dim_location` and `marts.fct_incident_regradings` pass good rows and name the rule a bad
row breaks (real DuckDB, real GX)."""

from __future__ import annotations

from datetime import date

import pytest

from dagster_project.quality.checks import quality_checks
from dagster_project.quality.gx_runner import run_suite
from dagster_project.settings import DBT_PROJECT_DIR, EXPECTATIONS_DIR

MARTS_DIR = DBT_PROJECT_DIR / "models" / "marts"


def test_every_mart_model_has_a_suite_run_as_an_asset_check():
    marts = {p.stem for p in MARTS_DIR.glob("*.sql")}
    assert {"dim_location", "fct_incident_regradings"} <= marts
    checks = {(key.asset_key.path[-1], key.name)
              for check in quality_checks for key in check.check_keys}
    for mart in sorted(marts):
        assert (EXPECTATIONS_DIR / f"marts.{mart}.json").exists(), f"marts.{mart} has no suite"
        assert (mart, f"gx_{mart}") in checks


def _locations(con, rows):
    con.execute("create schema if not exists marts")
    con.execute("create or replace table marts.dim_csu as select * from "
                "(values ('MED', 'Medicine', 'Z9T'), ('SUR', 'Surgery', 'Z9T')) "
                "as t(csu_code, csu_name, org_code)")
    con.execute("""create or replace table marts.dim_location (
        location_code varchar, valid_from date, valid_to date, location_name varchar,
        csu_code varchar, csu_name varchar, site_code varchar, site_name varchar,
        org_code varchar, is_current boolean)""")
    con.executemany("insert into marts.dim_location values (?, ?, ?, 'Ward', ?, 'CSU', "
                    "'S1', 'Site', 'Z9T', ?)", rows)


GOOD_LOCATIONS = [
    ("W1", date(2024, 1, 1), date(2024, 6, 30), "MED", False),
    ("W1", date(2024, 7, 1), None, "SUR", True),
    ("W2", date(2024, 1, 1), None, "MED", True),
]


def _failed(con, suite: str) -> set[str]:
    result = run_suite(con, EXPECTATIONS_DIR / f"{suite}.json")
    return {o.name for o in result.failed}


def test_location_suite_passes_a_clean_history(con):
    _locations(con, GOOD_LOCATIONS)
    assert _failed(con, "marts.dim_location") == set()


@pytest.mark.parametrize("bad, rule", [
    (("W2", date(2024, 6, 1), None, "MED", True), "one_current_version_per_location"),
    (("W1", date(2024, 6, 1), date(2024, 6, 30), "MED", False), "versions_do_not_overlap"),
    (("W3", date(2024, 3, 1), date(2024, 2, 1), "MED", True), "valid_to_not_before_valid_from"),
    (("W4", date(2024, 1, 1), None, "XXX", True), "csu_in_dim_csu:csu_code"),
    (("W1", date(2024, 1, 1), date(2024, 3, 1), "MED", False), "unique_key"),
])
def test_location_suite_names_the_broken_rule(con, bad, rule):
    _locations(con, [*GOOD_LOCATIONS, bad])
    assert rule in _failed(con, "marts.dim_location")


def _regradings(con, rows):
    con.execute("create schema if not exists marts")
    con.execute("create or replace table marts.fct_incidents as select * from "
                "(values ('I1'), ('I2')) as t(incident_id)")
    con.execute("""create or replace table marts.fct_incident_regradings (
        incident_id varchar, delivery_number int, graded_on_extract_date date,
        source_file_name varchar, last_modified timestamp, previous_physical_harm varchar,
        physical_harm varchar, is_regrade boolean, regrade_direction varchar)""")
    con.executemany("insert into marts.fct_incident_regradings values (?, ?, date '2024-01-31', "
                    "'incidents_20240131.csv', timestamp '2024-01-31 00:00', ?, ?, ?, ?)", rows)


GOOD_REGRADINGS = [
    ("I1", 1, None, "low", False, "initial"),
    ("I1", 3, "low", "severe", True, "upgraded"),
    ("I2", 1, None, "moderate", False, "initial"),
]


def test_regrading_suite_passes_a_clean_history(con):
    _regradings(con, GOOD_REGRADINGS)
    assert _failed(con, "marts.fct_incident_regradings") == set()


@pytest.mark.parametrize("bad, rule", [
    (("I9", 1, None, "low", False, "initial"), "incident_in_fct_incidents"),
    (("I2", 2, None, "low", False, "initial"), "one_initial_grading_per_incident"),
    (("I2", 2, "moderate", "moderate", True, "downgraded"), "regrade_flags_consistent"),
    (("I2", 2, "moderate", "low", False, "downgraded"), "regrade_flags_consistent"),
    (("I2", 2, "moderate", "grim", True, "upgraded"), "allowed_values:physical_harm"),
    (("I1", 3, "low", "fatal", True, "upgraded"), "unique_key"),
])
def test_regrading_suite_names_the_broken_rule(con, bad, rule):
    _regradings(con, [*GOOD_REGRADINGS, bad])
    assert rule in _failed(con, "marts.fct_incident_regradings")
