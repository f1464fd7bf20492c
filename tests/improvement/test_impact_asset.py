"""The impact asset on a real DuckDB warehouse with the register's marts built by hand: a
Dagster materialisation writes marts.fct_qi_impact and the SPC annotations. Expected verdicts
are worked out by hand (a baseline alternating 10, 12: mean 11, limits 5.68 .. 16.32)."""

import datetime as dt

import dagster as dg
import duckdb
import pytest

from dagster_project.improvement.assets import impact_verdicts
from dagster_project.resources import WarehouseResource
from dagster_project.spc.impact import IMPACT_COLUMNS


def month(i, start=dt.date(2023, 1, 1)):
    return dt.date(start.year + (start.month - 1 + i) // 12, (start.month - 1 + i) % 12 + 1, 1)


BASE = [10.0, 12.0] * 12  # 2023-01 .. 2024-12
SERIES = {
    # Q05 (decrease): ELD steps down from 2025-01 (the project), AMS from 2025-07 (its spread)
    ("Q05", "csu", "ELD"): BASE + [9.0, 10.0] * 9,
    ("Q05", "csu", "AMS"): BASE + [12.0, 10.0] * 3 + [9.0, 10.0] * 6,
    ("Q05", "organisation", "RXX"): BASE + [12.0, 10.0] * 9,
    # S01 (increase) for a project too recent to judge
    ("S01", "csu", "TRS"): BASE + [12.0, 10.0] * 9,
}


def _warehouse(path, seed_rows=()):
    con = duckdb.connect(str(path))
    con.execute("create schema intermediate; create schema marts")
    con.execute("""create table intermediate.int_scorecard_values_before_verdicts (
        measure_id varchar, level varchar, unit_code varchar, period date, value double,
        direction varchar, frequency varchar)""")
    for (measure, level, unit), values in SERIES.items():
        direction = "increase" if measure == "S01" else "decrease"
        con.executemany(
            "insert into intermediate.int_scorecard_values_before_verdicts values "
            "(?, ?, ?, ?, ?, ?, 'month')",
            [(measure, level, unit, month(i), v, direction) for i, v in enumerate(values)])
    # a weekly local measure: 12 weeks at 10, 12 then 7 weeks at 13, 14 from Monday 2025-01-13
    con.execute("""create table intermediate.int_qi_measure_series (project_id varchar,
        measure_code varchar, measure_name varchar, direction varchar, frequency varchar,
        period date, numerator double, denominator double, value double)""")
    weekly = [10, 12] * 6 + [13, 14, 13, 14, 13, 14, 13]
    con.executemany(
        "insert into intermediate.int_qi_measure_series values "
        "('QI-0001', 'L-LSBP_DONE', 'BP done', 'increase', 'week', ?, ?, null, ?)",
        [(dt.date(2024, 10, 21) + dt.timedelta(weeks=i), v, v) for i, v in enumerate(weekly)])
    con.execute("""create table marts.dim_qi_project as select * from (values
        ('QI-0001', 'ELD', 'closed', date '2025-12-31', date '2025-01-15'),
        ('QI-0002', 'TRS', 'testing', null, date '2026-06-01')
        ) t(project_id, csu_code, stage, end_date, intervention_date)""")
    con.execute("""create table marts.fct_qi_project_measures as select * from (values
        ('QI-0001', 'Q05', 'outcome', 'csu', 'ELD'),
        ('QI-0001', 'Q05', 'outcome', 'organisation', 'RXX'),
        ('QI-0001', 'L-LSBP_DONE', 'process', 'project', 'QI-0001'),
        ('QI-0002', 'S01', 'outcome', 'csu', 'TRS')
        ) t(project_id, measure_id, role, level, unit_code)""")
    con.execute("""create table marts.fct_qi_changes as select * from (values
        ('QI-0001', 1, date '2024-11-01', false),
        ('QI-0001', 2, date '2025-01-15', true),
        ('QI-0002', 1, null, false)
        ) t(project_id, cycle_no, implemented_date, is_adopted)""")
    # AMS adopted on two wards (the earliest counts), NEU only planned
    con.execute("""create table marts.fct_qi_spread as select * from (values
        ('QI-0001', 'AMS', 'W7', date '2025-07-20', 'sustained'),
        ('QI-0001', 'AMS', 'W8', date '2025-09-01', 'adopted'),
        ('QI-0001', 'NEU', '', null, 'planned')
        ) t(project_id, csu_code, location_code, adopted_date, status)""")
    con.execute("create table marts.spc_rebase_dates (measure_id varchar, level varchar, "
                "unit_code varchar, rebase_date varchar, reason varchar)")
    if seed_rows:
        con.executemany("insert into marts.spc_rebase_dates values (?, ?, ?, ?, 'confirmed')",
                        list(seed_rows))
    con.close()


@pytest.fixture
def built(tmp_path):
    path = tmp_path / "w.duckdb"
    _warehouse(path, seed_rows=[("Q05", "csu", "ELD", "2025-01-01"),
                                ("Q05", "csu", "AMS", "2025-08-01"),
                                ("Q05", "csu", "AMS", "not a date")])
    result = dg.materialize([impact_verdicts],
                            resources={"warehouse": WarehouseResource(path=str(path))})
    assert result.success
    con = duckdb.connect(str(path), read_only=True)
    yield con
    con.close()


def _rows(con, sql):
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def test_every_link_and_adopting_unit_has_a_verdict(built):
    rows = {(r["project_id"], r["measure_id"], r["level"], r["unit_code"], r["scope"]): r
            for r in _rows(built, "select * from marts.fct_qi_impact")}
    assert [d[0] for d in built.execute("select * from marts.fct_qi_impact limit 0")
            .description] == list(IMPACT_COLUMNS)
    verdicts = {k: r["verdict"] for k, r in rows.items()}
    assert verdicts == {
        ("QI-0001", "Q05", "csu", "ELD", "project"): "sustained_improvement",
        ("QI-0001", "Q05", "organisation", "RXX", "project"): "no_significant_change",
        ("QI-0001", "L-LSBP_DONE", "project", "QI-0001", "project"): "sustained_improvement",
        ("QI-0002", "S01", "csu", "TRS", "project"): "insufficient_data",
        # spread: the CSU series of the linked scorecard measure, once however it was linked
        ("QI-0001", "Q05", "csu", "AMS", "spread"): "sustained_improvement",
    }
    eld = rows["QI-0001", "Q05", "csu", "ELD", "project"]
    assert eld["intervention_date"] == dt.date(2025, 1, 15)
    assert eld["rebase_proposed_from"] == dt.date(2025, 1, 1)
    ams = rows["QI-0001", "Q05", "csu", "AMS", "spread"]
    assert ams["intervention_date"] == dt.date(2025, 7, 20)  # the earliest ward's adoption
    assert (ams["baseline_points"], ams["post_points"]) == (24, 12)  # 2023-07 .. 2025-06
    assert ams["rebase_proposed_from"] == dt.date(2025, 7, 1)
    weekly = rows["QI-0001", "L-LSBP_DONE", "project", "QI-0001", "project"]
    assert weekly["rebase_proposed_from"] == dt.date(2025, 1, 13)  # the week of 2025-01-15
    assert rows["QI-0002", "S01", "csu", "TRS", "project"]["post_points"] == 1  # 2026-06


def test_annotations_mark_adopted_changes_and_adoptions_on_linked_charts(built):
    marks = [(r["measure_id"], r["level"], r["unit_code"], r["annotation_date"], r["kind"])
             for r in _rows(built, "select * from spc.spc_annotations")]
    assert sorted(marks) == sorted([
        ("L-LSBP_DONE", "project", "QI-0001", dt.date(2025, 1, 15), "change_adopted"),
        ("Q05", "csu", "ELD", dt.date(2025, 1, 15), "change_adopted"),
        ("Q05", "organisation", "RXX", dt.date(2025, 1, 15), "change_adopted"),
        ("Q05", "csu", "AMS", dt.date(2025, 7, 20), "spread_adopted"),
        ("Q05", "csu", "AMS", dt.date(2025, 9, 1), "spread_adopted"),
    ])


def test_rebase_proposals_are_listed_with_reasons_and_confirmed_only_by_the_seed(built):
    proposals = {(r["measure_id"], r["unit_code"], r["scope"]): r
                 for r in _rows(built, "select * from spc.spc_rebase_proposals")}
    assert set(proposals) == {("Q05", "ELD", "project"), ("Q05", "AMS", "spread"),
                              ("L-LSBP_DONE", "QI-0001", "project")}
    assert proposals["Q05", "ELD", "project"]["is_confirmed"] is True
    # the seed names AMS from 2025-08, not the proposed 2025-07: not this proposal
    assert proposals["Q05", "AMS", "spread"]["is_confirmed"] is False
    assert all(p["reason"].startswith("Sustained improvement: the first run of 7")
               for p in proposals.values())
    # the SPC charts themselves are untouched: nothing here writes the seed or spc_points
    assert built.execute("select count(*) from marts.spc_rebase_dates").fetchone()[0] == 3


def test_verdict_points_and_published_copy(built):
    assert built.execute("select count(*) from (select * from marts.fct_qi_impact except all "
                         "select * from spc.qi_impact)").fetchone()[0] == 0
    phases = dict(built.execute("""select phase, count(*) from marts.fct_qi_impact_points
        where unit_code = 'ELD' group by phase""").fetchall())
    assert phases == {"baseline": 24, "post": 18}


def test_a_register_without_projects_writes_empty_tables(tmp_path):
    path = tmp_path / "empty.duckdb"
    _warehouse(path)
    with duckdb.connect(str(path)) as con:
        for table in ("dim_qi_project", "fct_qi_project_measures", "fct_qi_changes",
                      "fct_qi_spread"):
            con.execute(f"delete from marts.{table}")
    assert dg.materialize([impact_verdicts], resources={
        "warehouse": WarehouseResource(path=str(path))}).success
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("select count(*) from marts.fct_qi_impact").fetchone()[0] == 0
        assert con.execute("select count(*) from spc.spc_rebase_proposals").fetchone()[0] == 0
