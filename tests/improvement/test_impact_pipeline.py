"""The impact verdicts of the small synthetic trust, after a real night (the session's
`pipeline_run`): every link and adopting unit is judged, the planted Elderly Care falls project
and its spread read sustained_improvement with a rebase proposed where each planted step begins,
and M11 on the scorecard is recomputed here from the verdicts and the project dimension."""

import datetime as dt

import polars as pl
import pytest

from dagster_project.synthetic.signals import FALLS_SPREAD_STEP, FALLS_STEP

pytestmark = pytest.mark.integration


def _first_day(month: str) -> dt.date:
    return dt.date.fromisoformat(month + "-01")


def _frame(con, sql):
    return con.sql(sql).pl()


def test_every_link_and_adopting_unit_has_a_verdict(pipeline_warehouse):
    impact = _frame(pipeline_warehouse, "select * from marts.fct_qi_impact")
    links = _frame(pipeline_warehouse, "select project_id, measure_id, role, level, unit_code "
                              "from marts.fct_qi_project_measures")
    project = impact.filter(pl.col("scope") == "project")
    assert project.height == links.unique().height
    assert links.join(project, on=list(links.columns), how="anti").height == 0
    adopting = _frame(pipeline_warehouse, """
        select distinct s.project_id, s.csu_code, m.measure_id, m.role
        from marts.fct_qi_spread s join marts.fct_qi_project_measures m using (project_id)
        where s.adopted_date is not null and m.level in ('organisation', 'csu')""")
    spread = impact.filter(pl.col("scope") == "spread")
    assert spread.height == adopting.height > 0
    assert impact.get_column("verdict").null_count() == 0


def test_the_planted_falls_project_and_its_spread_are_sustained_from_their_steps(
        pipeline_warehouse):
    rows = _frame(pipeline_warehouse, """select * from marts.fct_qi_impact
        where measure_id = 'Q05' and level = 'csu' and verdict is not null""")
    by_unit = {(r["unit_code"], r["scope"]): r for r in rows.iter_rows(named=True)}
    project = by_unit[FALLS_STEP.csu_code, "project"]
    assert project["verdict"] == "sustained_improvement"
    assert project["rebase_proposed_from"] == _first_day(FALLS_STEP.month)
    spread = by_unit[FALLS_SPREAD_STEP.csu_code, "spread"]
    assert spread["verdict"] == "sustained_improvement"
    assert spread["rebase_proposed_from"] == _first_day(FALLS_SPREAD_STEP.month)
    assert spread["intervention_date"] >= _first_day(FALLS_SPREAD_STEP.month)


def test_m11_is_recomputed_from_the_verdicts(pipeline_warehouse):
    verdicts = _frame(pipeline_warehouse, """select project_id, verdict from marts.fct_qi_impact
        where scope = 'project' and role = 'outcome' and verdict <> 'insufficient_data'""")
    closed = _frame(pipeline_warehouse, """
        select project_id, csu_code, end_date from marts.dim_qi_project
        where stage = 'closed' and end_date is not null""")
    judged = closed.join(verdicts.group_by("project_id").agg(
        sustained=(pl.col("verdict") == "sustained_improvement").any()), on="project_id")
    scorecard = _frame(pipeline_warehouse, """
        select level, unit_code, period, numerator, denominator
        from marts.fct_scorecard_monthly where measure_id = 'M11'""")
    assert scorecard.height > 0
    checked = 0
    for row in scorecard.iter_rows(named=True):
        period = row["period"]
        start = dt.date(period.year - 1, period.month, 1)  # 12 months back, exclusive
        in_window = judged.filter(
            (pl.col("end_date") >= dt.date(start.year + (start.month // 12),
                                           start.month % 12 + 1, 1))
            & (pl.col("end_date") < dt.date(period.year + period.month // 12,
                                            period.month % 12 + 1, 1)))
        if row["level"] == "csu":
            in_window = in_window.filter(pl.col("csu_code") == row["unit_code"])
        assert row["denominator"] == in_window.height, row
        assert row["numerator"] == in_window.get_column("sustained").sum(), row
        checked += in_window.height
    assert checked > 0  # some months do have closed, judged projects
