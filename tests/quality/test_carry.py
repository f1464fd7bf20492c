"""A suite is not run again when nothing it reads changed since it passed: its verdict is
carried, and says from which run. Any change to what it reads (a value, a row, a value moved
between rows, a table it looks values up in, the suite file, the check date) runs it again; so
does a previous failure."""

from __future__ import annotations

import copy

from .quality_fixtures import build_marts

from dagster_project.quality.carry import run_or_carry
from dagster_project.quality.gx_runner import run_suite
from dagster_project.quality.history import record_gx_results
from dagster_project.quality.suite_file import load_suite
from dagster_project.settings import EXPECTATIONS_DIR

SCORECARD = load_suite(EXPECTATIONS_DIR / "marts.fct_scorecard_monthly.json")
INCIDENTS = load_suite(EXPECTATIONS_DIR / "raw.incidents.json")


def check(con, run_id: str, suite: dict = SCORECARD):
    """What the Dagster check does: run or carry, then record the outcomes."""
    result = run_or_carry(con, suite, run_id)
    record_gx_results(con, result, run_id)
    return result


def verdicts(result) -> dict:
    return {o.name: (o.success, o.severity, o.observed_value) for o in result.outcomes}


def test_an_unchanged_table_is_carried_and_says_so(con):
    build_marts(con)
    first = check(con, "r1")
    assert first.passed and first.carried_from_run is None
    second = check(con, "r2")
    third = check(con, "r3")
    assert second.carried_from_run == third.carried_from_run == "r1"
    # skipped safely: validating the unchanged table again gives the very same verdicts
    assert verdicts(second) == verdicts(third) == verdicts(run_suite(con, SCORECARD)) \
        == verdicts(first)
    assert second.rows_checked == first.rows_checked
    # the carried verdict is on record for this run too, and its origin is kept
    assert con.execute("select count(*) from quality.check_results where run_id = 'r3'"
                       ).fetchall()[0][0] == len(SCORECARD["expectations"])
    assert con.execute("select run_id, carried_from_run from quality.suite_validations "
                       "order by checked_at").fetchall() == [
        ("r1", None), ("r2", "r1"), ("r3", "r1")]


def _changed_then_checked(con, change: str):
    build_marts(con)
    assert check(con, "r1").passed
    con.execute(change)
    return check(con, "r2")


def test_a_changed_value_is_rechecked(con):
    result = _changed_then_checked(
        con, "update marts.fct_scorecard_monthly set value = 5, numerator = 500 "
             "where measure_id = 'Q02' and unit_code = 'C1' and period = '2025-06-01'")
    assert result.carried_from_run is None
    assert {o.name for o in result.failed} == {"proportion_within_0_1",
                                               "numerator_not_above_denominator"}


def test_a_value_moved_between_rows_is_rechecked(con):
    """Every column keeps the same values, count and sum: only a hash of whole rows sees it."""
    result = _changed_then_checked(con, """
        update marts.fct_scorecard_monthly t set value = s.other from (
            select measure_id, value as other from marts.fct_scorecard_monthly
            where unit_code = 'C1' and period = '2025-06-01' and measure_id in ('Q02', 'M01')) s
        where t.unit_code = 'C1' and t.period = '2025-06-01'
          and t.measure_id in ('Q02', 'M01') and t.measure_id <> s.measure_id""")
    assert result.carried_from_run is None
    assert "proportion_within_0_1" in {o.name for o in result.failed}


def test_a_replaced_row_with_the_same_count_is_rechecked(con):
    result = _changed_then_checked(con, """
        update marts.fct_scorecard_monthly set unit_code = 'C9'
        where unit_code = 'C2' and measure_id = 'M01' and period = '2025-06-01'""")
    assert result.carried_from_run is None
    assert [o.name for o in result.failed] == ["csu_in_dim_csu:unit_code"]


def test_a_change_to_a_table_the_suite_looks_values_up_in_is_rechecked(con):
    result = _changed_then_checked(con, "delete from marts.dim_csu where csu_code = 'C2'")
    assert result.carried_from_run is None
    assert [o.name for o in result.failed] == ["csu_in_dim_csu:unit_code"]


def test_an_edited_suite_is_rechecked(con):
    build_marts(con)
    assert check(con, "r1").passed
    edited = copy.deepcopy(SCORECARD)
    for exp in edited["expectations"]:
        if exp["meta"]["name"] == "proportion_within_0_1":
            exp["kwargs"]["max_value"] = 0.01
    result = check(con, "r2", edited)
    assert result.carried_from_run is None
    assert [o.name for o in result.failed] == ["proportion_within_0_1"]


def test_a_new_check_date_is_rechecked_where_the_suite_reads_it(raw_incidents, monkeypatch):
    assert check(raw_incidents, "r1", INCIDENTS).passed
    assert check(raw_incidents, "r2", INCIDENTS).carried_from_run == "r1"
    monkeypatch.setenv("QUALITY_AS_OF_DATE", "2025-12-01")
    result = check(raw_incidents, "r3", INCIDENTS)
    assert result.carried_from_run is None
    assert [o.name for o in result.failed] == ["freshness:reported_date"]


def test_a_failed_validation_is_never_carried(con):
    build_marts(con, value_override={"csu": "update marts.fct_scorecard_monthly "
                                            "set unit_code = 'C9' where unit_code = 'C2'"})
    first = check(con, "r1")
    second = check(con, "r2")
    assert not first.passed and not second.passed
    assert second.carried_from_run is None
    assert verdicts(second) == verdicts(first)


def test_without_its_outcomes_on_record_a_suite_runs(con):
    build_marts(con)
    assert run_or_carry(con, SCORECARD, "r1").passed  # validated, outcomes never recorded
    assert run_or_carry(con, SCORECARD, "r2").carried_from_run is None
