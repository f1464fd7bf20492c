"""The improvement register's seven extracts (docs/improvement-register.md): declared with the
other contracts, loaded like them, and checked against each other: a row naming an unknown
project, a measure that is neither on the scorecard nor a local `L-` code, or an adopting CSU
that is not in org_structure is quarantined with its rule's name."""

from __future__ import annotations

import csv

import pytest

from dagster_project.contracts import CONTRACTS, CONTRACTS_BY_NAME
from dagster_project.contracts.catalogue import MEASURE_CATALOGUE, catalogue_measure_ids
from dagster_project.ingest.load import load_order

from .ingest_helpers import STAMP, assert_accounting, load, quarantine, valid_rows

REGISTER = ("qi_projects", "qi_project_measures", "qi_measure_values", "qi_changes",
            "qi_spread", "waste_walks", "improvement_events")


@pytest.fixture
def register(con, landing, reference_data) -> None:
    """org_structure, waste_schemes and the clean qi_projects loaded."""
    landing.write_rows("qi_projects")
    assert load(con, landing, "qi_projects").rows_quarantined == 0


def load_rows(con, landing, extract: str, rows: list[dict]) -> list[tuple]:
    """Load `rows` as the extract's file; return its quarantine as (row, column, rule)."""
    landing.write_rows(extract, rows, name=f"{extract}_{STAMP}.csv")
    result = load(con, landing, extract)
    f = result.files[0]
    assert f.status == "loaded", f.message
    assert f.rows_in == f.rows_loaded + f.rows_quarantined == len(rows)
    assert_accounting(con)
    return [(r, c, rule) for _f, r, c, rule, _v in quarantine(con, extract)]


def with_changes(extract: str, **changes_by_row) -> list[dict]:
    rows = valid_rows(extract)
    for index, changes in changes_by_row.items():
        rows[int(index[1:])].update(changes)
    return rows


def test_the_register_is_declared_with_the_other_contracts():
    assert [c.name for c in CONTRACTS if c.family == "improvement"] == list(REGISTER)
    order = [c.name for c in load_order()]
    # what the register references loads first; the project register before its dependants
    for name in REGISTER[1:5]:
        assert order.index("qi_projects") < order.index(name)
    assert order.index("waste_schemes") < order.index("qi_projects")
    assert order.index("org_structure") < order.index("waste_walks")
    assert CONTRACTS_BY_NAME["qi_spread"].key == ("project_id", "csu_code", "location_code")


def test_measure_ids_come_from_the_catalogue_seed():
    with MEASURE_CATALOGUE.open(newline="", encoding="utf-8") as handle:
        seeded = [row["measure_id"] for row in csv.DictReader(handle)]
    assert list(catalogue_measure_ids()) == seeded
    rule = next(r for r in CONTRACTS_BY_NAME["qi_project_measures"].rules
                if r.name == "measure_not_in_catalogue_or_local")
    assert all(f"'{m}'" in rule.holds for m in seeded)


def test_a_change_for_an_unknown_project_is_quarantined(con, landing, register):
    rows = with_changes("qi_changes", r1={"project_id": "QI-9999"})
    assert load_rows(con, landing, "qi_changes", rows) == [
        (2, "project_id", "reference_not_found")]
    assert con.execute("SELECT project_id, cycle_no FROM raw.qi_changes").fetchall() == [
        ("QI-0001", 1)]


def test_a_measure_neither_in_the_catalogue_nor_local_is_quarantined(con, landing, register):
    rows = with_changes("qi_project_measures",
                        r0={"measure_id": "Q99"},
                        r1={"measure_id": "LOCAL-1"})
    rows.append(dict(rows[0], measure_id="S01", unit_code="CSU_SURG"))  # on the scorecard: fine
    assert load_rows(con, landing, "qi_project_measures", rows) == [
        (1, "measure_id", "measure_not_in_catalogue_or_local"),
        (2, "level", "local_measure_at_project_level"),
        (2, "measure_id", "measure_not_in_catalogue_or_local"),
    ]


def test_local_measures_belong_to_the_project_level(con, landing, register):
    rows = with_changes("qi_project_measures",
                        r0={"level": "project", "unit_code": "QI-0001"},  # Q05 is not local
                        r1={"unit_code": "QI-0002"})  # a local measure of another project
    assert load_rows(con, landing, "qi_project_measures", rows) == [
        (1, "level", "local_measure_at_project_level"),
        (2, "unit_code", "project_level_unit_is_the_project"),
    ]


def test_an_adopting_csu_not_in_org_structure_is_quarantined(con, landing, register):
    rows = with_changes("qi_spread", r0={"csu_code": "CSU_NOPE"},
                        r1={"project_id": "QI-4242"})
    assert load_rows(con, landing, "qi_spread", rows) == [
        (1, "csu_code", "reference_not_found"),
        (2, "project_id", "reference_not_found"),
    ]


def test_adopted_spread_needs_its_date(con, landing, register):
    rows = with_changes("qi_spread", r0={"adopted_date": None}, r1={"status": "sustained"})
    assert load_rows(con, landing, "qi_spread", rows) == [
        (1, "adopted_date", "adopted_date_required_from_adopted"),
        (2, "adopted_date", "adopted_date_required_from_adopted"),
    ]


def test_project_rules(con, landing, reference_data):
    rows = with_changes("qi_projects",
                        r0={"progress_score": 3.3, "csu_code": "CSU_NOPE", "title": "x" * 201},
                        r1={"end_date": None, "waste_type": None, "scheme_id": "WS404"})
    rows.append(dict(rows[0], project_id="QI-3", progress_score=3, title="ok", csu_code="CSU_MED",
                     stage="abandoned", end_date="2024-01-01"))  # ends before it started
    rows.append(dict(rows[0], project_id="PRJ-4", title="ok", csu_code="CSU_MED",
                     progress_score=5.5, strategy_goal="kindness"))
    assert load_rows(con, landing, "qi_projects", rows) == [
        (1, "csu_code", "reference_not_found"),
        (1, "progress_score", "progress_score_in_steps_of_half"),
        (1, "title", "title_at_most_200_characters"),
        (2, "end_date", "end_date_required_when_closed_or_abandoned"),
        (2, "scheme_id", "reference_not_found"),
        (2, "waste_type", "waste_type_required_for_waste_goal"),
        (3, "end_date", "end_date_not_before_start_date"),
        (4, "progress_score", "above_max"),
        (4, "project_id", "pattern_mismatch"),
        (4, "strategy_goal", "not_allowed"),
    ]


def test_measure_value_rules(con, landing, register):
    rows = with_changes("qi_measure_values",
                        r0={"period": "2025-01-07", "numerator": 31},  # a Tuesday; 31 of 30
                        r1={"period": "2025-01-06", "measure_code": "STOCK_OUTS"})
    rows.append(dict(rows[0], period="2024-12-30", numerator=3, denominator=0))
    assert load_rows(con, landing, "qi_measure_values", rows) == [
        (1, "numerator", "numerator_not_above_denominator"),
        (1, "period", "period_starts_its_week_or_month"),
        (2, "measure_code", "pattern_mismatch"),
        (2, "period", "period_starts_its_week_or_month"),
        (3, "denominator", "denominator_positive"),
    ]


def test_change_walk_and_event_rules(con, landing, register):
    changes = with_changes("qi_changes", r0={"pdsa_end": "2024-05-01"},
                           r1={"implemented_date": "2025-01-01", "cycle_no": 0})
    assert load_rows(con, landing, "qi_changes", changes) == [
        (1, "pdsa_end", "pdsa_end_not_before_pdsa_start"),
        (2, "cycle_no", "below_min"),
        (2, "implemented_date", "implemented_only_when_adopted"),
    ]
    walks = with_changes("waste_walks", r0={"actions_completed": 4},
                         r1={"walk_date": "2025-02-03", "location_code": "WARD_NOPE"})
    assert load_rows(con, landing, "waste_walks", walks) == [
        (1, "actions_completed", "actions_completed_not_above_raised"),
        (2, "location_code", "reference_not_found"),
        (2, "walk_date", "walk_date_not_after_extract_date"),
    ]
    events = with_changes("improvement_events", r0={"projects_presented": "QI-0001, QI-0002"},
                          r1={"event_type": "away_day"})
    assert load_rows(con, landing, "improvement_events", events) == [
        (1, "projects_presented", "pattern_mismatch"),
        (2, "event_type", "not_allowed"),
    ]
