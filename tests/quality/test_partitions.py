"""Mart suites validate the partitions (months) a run rebuilt: an unchanged partition that was
validated clean is carried and says so; a changed partition, whatever its month, is validated
again and a bad row in it fails the suite; the verdicts are a full validation's."""

from __future__ import annotations

import pytest

from .quality_fixtures import build_breakdowns, build_incident_mart

from dagster_project.quality.carry import run_or_carry
from dagster_project.quality.gx_runner import run_suite
from dagster_project.quality.history import record_gx_results
from dagster_project.quality.partitions import split_by_partition
from dagster_project.quality.suite_file import expectation_names, load_suite
from dagster_project.settings import EXPECTATIONS_DIR

INCIDENTS = load_suite(EXPECTATIONS_DIR / "marts.fct_incidents.json")
BREAKDOWNS = load_suite(EXPECTATIONS_DIR / "marts.fct_scorecard_breakdowns.json")
MONTHS = [f"2025-0{m}-01" for m in range(1, 7)]


def check(con, run_id: str, suite: dict = INCIDENTS):
    """What the Dagster check does: run or carry, then record the outcomes."""
    result = run_or_carry(con, suite, run_id)
    record_gx_results(con, result, run_id)
    return result


def verdicts(result) -> dict:
    return {o.name: (o.success, o.severity, o.observed_value, o.unexpected_count)
            for o in result.outcomes}


def assert_as_full_validation(con, result, suite: dict = INCIDENTS) -> None:
    """The verdicts of a partial validation are those of validating every row."""
    full = run_suite(con, suite)
    assert not full.partitions_carried
    assert verdicts(result) == verdicts(full)
    assert result.rows_checked == full.rows_checked


def checked_after_a_change(con, change: str, suite: dict = INCIDENTS,
                           build=build_incident_mart):
    """A clean first validation (r1), then `change`, then the check of run r2."""
    build(con)
    assert check(con, "r1", suite).passed
    con.execute(change)
    return check(con, "r2", suite)


def test_an_unchanged_partition_is_not_validated_again_and_says_it_was_carried(con):
    build_incident_mart(con)
    first = check(con, "r1")
    assert first.passed and first.partitions_validated == MONTHS and not first.partitions_carried
    # a lookback month rebuilt with a different (good) value: only it is validated
    con.execute("update marts.fct_incidents set category = 'medication' "
                "where incident_id = 'INC006001'")
    second = check(con, "r2")
    assert second.passed and second.carried_from_run is None
    assert second.partitions_validated == ["2025-06-01"]
    assert second.partitions_carried == {m: "r1" for m in MONTHS[:5]}
    assert con.execute("""
        select partition_value, carried_from_run from quality.partition_validations
        where run_id = 'r2' order by 1""").fetchall() == [
        *((m, "r1") for m in MONTHS[:5]), ("2025-06-01", None)]
    assert_as_full_validation(con, second)
    # a third run: the month r2 validated is carried from r2, the others still from r1
    con.execute("update marts.fct_incidents set category = 'medication' "
                "where incident_id = 'INC001001'")
    third = check(con, "r3")
    assert third.partitions_validated == ["2025-01-01"]
    assert third.partitions_carried == {**{m: "r1" for m in MONTHS[1:5]}, "2025-06-01": "r2"}


@pytest.mark.parametrize("change, failing", [
    ("update marts.fct_incidents set physical_harm = 'catastrophic' "
     "where incident_id = 'INC001004'", {"allowed_values:physical_harm"}),
    ("update marts.fct_incidents set days_to_report = -2 where incident_id = 'INC002005'",
     {"reported_not_before_occurred"}),
    ("update marts.fct_incidents set csu_code = 'C9' where incident_id = 'INC001007'",
     {"csu_in_dim_csu:csu_code"}),
    ("update marts.fct_incidents set category = null where incident_id = 'INC002003'",
     {"not_null:category"}),  # a null is missing to the value set, GX's rule
])
def test_a_bad_row_in_an_old_month_is_rechecked_and_fails(con, change, failing):
    """Not only the lookback months: a changed January is validated again."""
    result = checked_after_a_change(con, change)
    assert result.carried_from_run is None
    assert {o.name for o in result.failed} == failing
    assert len(result.partitions_validated) == 1
    assert set(result.partitions_validated) | set(result.partitions_carried) == set(MONTHS)
    assert_as_full_validation(con, result)


def test_a_partition_that_failed_is_validated_until_it_is_clean(con):
    build_incident_mart(con)
    assert check(con, "r1").passed
    con.execute("update marts.fct_incidents set physical_harm = 'catastrophic' "
                "where incident_id = 'INC003004'")
    assert not check(con, "r2").passed
    again = check(con, "r3")  # nothing changed, but March was not clean: validated again
    assert not again.passed and again.partitions_validated == ["2025-03-01"]
    con.execute("update marts.fct_incidents set physical_harm = 'low' "
                "where incident_id = 'INC003004'")
    fixed = check(con, "r4")
    assert fixed.passed and fixed.partitions_validated == ["2025-03-01"]
    assert_as_full_validation(con, fixed)


def test_a_null_and_a_missing_value_in_a_changed_month_count_as_in_a_full_validation(con):
    """Rows and nulls of the carried months are counted over the whole table, as GX would."""
    build_incident_mart(con)
    con.execute("update marts.fct_incidents set days_to_report = null "
                "where incident_month < '2025-03-01' and incident_id like '%1'")
    assert check(con, "r1").passed
    con.execute("update marts.fct_incidents set days_to_report = null, category = null "
                "where incident_id = 'INC005002'")
    result = check(con, "r2")
    assert result.partitions_validated == ["2025-05-01"]
    assert_as_full_validation(con, result)


def test_a_row_moved_to_another_month_rechecks_both(con):
    result = checked_after_a_change(
        con, "update marts.fct_incidents set incident_month = '2025-02-01', csu_code = 'C7' "
             "where incident_id = 'INC004002'")
    assert result.partitions_validated == ["2025-02-01", "2025-04-01"]
    assert [o.name for o in result.failed] == ["csu_in_dim_csu:csu_code"]
    assert_as_full_validation(con, result)


def test_a_row_without_a_month_is_always_validated(con):
    build_incident_mart(con)
    assert check(con, "r1").passed
    con.execute("update marts.fct_incidents set incident_month = null "
                "where incident_id = 'INC002002'")
    second = check(con, "r2")
    assert second.partitions_validated == ["2025-02-01", None]
    assert [o.name for o in second.failed] == ["not_null:incident_month"]
    third = check(con, "r3")  # nothing changed: the null rows are validated again all the same
    assert None in third.partitions_validated and "2025-01-01" in third.partitions_carried
    assert [o.name for o in third.failed] == ["not_null:incident_month"]
    assert_as_full_validation(con, third)


def test_a_change_to_what_the_rows_are_judged_against_rechecks_every_partition(con):
    result = checked_after_a_change(con, "delete from marts.dim_csu where csu_code = 'C2'")
    assert result.partitions_validated == MONTHS and not result.partitions_carried
    assert [o.name for o in result.failed] == ["csu_in_dim_csu:csu_code"]


def test_whole_table_expectations_still_see_every_month(con):
    """Uniqueness is not split by month: a key repeated in a carried month is found."""
    result = checked_after_a_change(
        con, "update marts.fct_incidents set incident_id = 'INC001003' "
             "where incident_id = 'INC006003'")
    assert result.partitions_validated == ["2025-06-01"]
    assert [o.name for o in result.failed] == ["unique_key"]
    assert_as_full_validation(con, result)


def test_a_row_filter_batch_is_split_by_partition(con):
    """The breakdowns' proportions (a row filter joined to dim_measure) in an old period."""
    result = checked_after_a_change(
        con, "update marts.fct_scorecard_breakdowns set value = 1.4 where measure_id = 'Q02' "
             "and unit_code = 'C2' and period = '2025-02-01' and breakdown_value = 'S1'",
        BREAKDOWNS, build_breakdowns)
    assert result.partitions_validated == ["2025-02-01"]
    assert [o.name for o in result.failed] == ["proportion_within_0_1"]
    assert_as_full_validation(con, result, BREAKDOWNS)


def test_which_expectations_are_split_by_partition():
    split = {name for name, exp in zip(expectation_names(INCIDENTS), INCIDENTS["expectations"],
                                       strict=True) if split_by_partition(INCIDENTS, exp)}
    whole = set(expectation_names(INCIDENTS)) - split
    assert whole == {"table_row_count_nonzero", "table_row_count_band", "freshness:reported_date",
                     "unique_key", "severe_harm_share_vs_usual",
                     "moderate_or_worse_share_vs_usual"}
    breakdown_whole = {name for name, exp in zip(expectation_names(BREAKDOWNS),
                                                 BREAKDOWNS["expectations"], strict=True)
                       if not split_by_partition(BREAKDOWNS, exp)}
    assert breakdown_whole == {"table_row_count_nonzero", "table_row_count_band", "unique_key"}
