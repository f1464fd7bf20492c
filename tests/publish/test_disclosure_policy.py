"""Disclosure control at publication (dagster_project/publish/disclosure.py), on real DuckDB:
the withheld cells of the dbt policy carry no figure in any published table, and anything the
registry does not know stops publication."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest
from .publish_fixtures import build_disclosure_policy, build_marts

from dagster_project.publish.disclosure import REGISTRY, DisclosureError, disclose, disclose_all

JUNE = date(2025, 6, 1)
C1_Q02_JUNE = "measure_id = 'Q02' and unit_code = 'C1' and period = '2025-06-01'"
C1_JUNE = ("Q02", "csu", "C1", JUNE)


def spc_tables(con) -> None:
    """Points and a summary of every series: limits differ per point, one rebase group."""
    con.execute("""create or replace table spc.spc_points as
        select measure_id, level, unit_code, chart_type, period, value,
               avg(value) over (partition by measure_id, level, unit_code) as mean,
               value - 0.5 as lpl, value + 0.5 as upl, target, 0::bigint as rebase_group,
               false as short_group_warning, 'Above UCL' as special_cause_type,
               true as special_cause_flag, 'special_cause_concern' as point_type,
               direction as improvement_direction
        from marts.fct_scorecard_monthly""")
    con.execute("""create or replace table spc.spc_summary as
        select measure_id, level, unit_code, chart_type, improvement_direction as direction,
               count(*) as n_points,
               max(period) as latest_period, last(value order by period) as latest_value,
               avg(value) as mean, max(lpl) as lpl, max(upl) as upl, max(target) as target,
               'special_cause_concern' as variation_icon, 'fail' as assurance_icon,
               0::bigint as special_cause_improvement, count(*) as special_cause_concern,
               false as short_group_warning
        from spc.spc_points group by all""")


@pytest.fixture
def con(tmp_path):
    con = duckdb.connect(str(tmp_path / "wh.duckdb"))
    build_marts(con, q02_c1_june=0.03)
    spc_tables(con)
    build_disclosure_policy(con, [C1_JUNE])
    yield con
    con.close()


def rows(con, sql: str, where: str) -> list[dict]:
    cur = con.execute(f"select * from {sql} as t where {where}")
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def test_a_withheld_cell_has_no_figure_in_the_scorecard_or_spc_points(con):
    scorecard = disclose(con, "publish_candidate.scorecard_monthly", "scorecard_monthly")
    [cell] = rows(con, scorecard, C1_Q02_JUNE)
    assert cell["value"] is None and cell["numerator"] is None and cell["denominator"] is None
    assert cell["is_suppressed"] is True and cell["null_reason"] == "suppressed"
    others = rows(con, scorecard, "not is_suppressed")
    assert len(others) == 35 and all(r["value"] is not None for r in others)

    points = disclose(con, "spc.spc_points", "spc_points")
    [point] = rows(con, points, C1_Q02_JUNE)
    # no value, no limits of its own (they give away a denominator), no classification
    assert {k: point[k] for k in ("value", "lpl", "upl", "point_type", "special_cause_type",
                                  "special_cause_flag")} == dict.fromkeys(
        ("value", "lpl", "upl", "point_type", "special_cause_type", "special_cause_flag"))
    assert point["is_suppressed"] is True
    # the centre line is still computed on the true values and published (other points show)
    true_mean = con.execute("select avg(value) from marts.fct_scorecard_monthly "
                            "where measure_id = 'Q02' and unit_code = 'C1'").fetchone()[0]
    assert point["mean"] == pytest.approx(true_mean)
    assert 0.03 not in [r["value"] for r in rows(con, points, "true")]


def test_the_summary_withholds_a_withheld_latest_value_and_counts_published_points_only(con):
    summary = disclose(con, "spc.spc_summary", "spc_summary",
                       {"spc_points": "spc.spc_points"})
    [chart] = rows(con, summary, "measure_id = 'Q02' and unit_code = 'C1'")
    assert chart["latest_period"] == JUNE and chart["latest_value"] is None
    assert chart["lpl"] is None and chart["upl"] is None and chart["variation_icon"] is None
    assert chart["is_suppressed"] is True
    assert chart["special_cause_concern"] == 5  # six points, one withheld
    [org] = rows(con, summary, "measure_id = 'Q02' and level = 'organisation'")
    assert org["latest_value"] == pytest.approx(0.05) and org["special_cause_concern"] == 6


def test_a_centre_line_resting_only_on_withheld_points_is_withheld(con):
    build_disclosure_policy(con, [("Q02", "csu", "C2", date(2025, m, 1)) for m in range(1, 7)])
    points = disclose(con, "spc.spc_points", "spc_points")
    assert {r["mean"] for r in rows(con, points, "unit_code = 'C2' and measure_id = 'Q02'")} \
        == {None}
    assert None not in {r["mean"] for r in rows(con, points, "unit_code = 'C1'")}


def test_signals_and_the_wide_latest_table_withhold_the_cell(con):
    # signals carry their chart type where the SPC step publishes one (event charts)
    chart_type = ", chart_type" if "chart_type" in REGISTRY["spc_signals"].public else ""
    con.execute(f"""create or replace table spc.spc_signals as
        select measure_id, level, unit_code, period, special_cause_type, point_type, value,
               'r1' as detected_run_id, now()::timestamp as detected_at{chart_type}
        from spc.spc_points where unit_code = 'C1'""")
    signals = disclose(con, "spc.spc_signals", "spc_signals")
    # a signal at a withheld point would bound its value: the row is not published
    assert rows(con, signals, "measure_id = 'Q02' and period = '2025-06-01'") == []
    assert len(rows(con, signals, "true")) == 11
    con.execute("""create or replace view publish_candidate.scorecard_latest as
        select level, unit_code, unit_code as unit_name,
               max(value) filter (where measure_id = 'Q02' and period = '2025-06-01') as q02_value,
               date '2025-06-01' as q02_period, 0.01 as q02_change,
               max(value) filter (where measure_id = 'C01' and period = '2025-06-01') as c01_value,
               date '2025-06-01' as c01_period, 0.0 as c01_change
        from marts.fct_scorecard_monthly group by all""")
    latest = disclose(con, "publish_candidate.scorecard_latest", "scorecard_latest")
    [c1] = rows(con, latest, "unit_code = 'C1'")
    assert c1["q02_value"] is None and c1["q02_change"] is None and c1["c01_value"] == 0.9


def test_a_table_or_column_the_registry_does_not_know_stops_publication(con):
    con.execute("create view publish_candidate.incident_counts as select 3 as n")
    with pytest.raises(DisclosureError, match="incident_counts is not in the disclosure"):
        disclose(con, "publish_candidate.incident_counts", "incident_counts")
    con.execute("""create or replace view publish_candidate.scorecard_monthly as
        select *, numerator as raw_count from marts.fct_scorecard_monthly""")
    with pytest.raises(DisclosureError, match="raw_count"):
        disclose(con, "publish_candidate.scorecard_monthly", "scorecard_monthly")


def test_publication_refuses_without_a_converged_policy(con):
    tables = [("publish_candidate.scorecard_monthly", "scorecard_monthly")]
    assert len(disclose_all(con, tables)) == 1
    con.execute("insert into intermediate.int_disclosure_exposed_groups values (7, 'units')")
    with pytest.raises(DisclosureError, match="did not converge: 1 set"):
        disclose_all(con, tables)
    con.execute("drop table marts.disclosure_withheld_cells")
    with pytest.raises(DisclosureError, match="has not been built"):
        disclose_all(con, tables)


def test_an_unpublished_breakdown_row_is_left_out(con):
    con.execute("""create or replace view publish_candidate.scorecard_breakdowns as
        select measure_id, level, unit_code, period, 'site' as breakdown_type,
               'S1' as breakdown_value, numerator, denominator, value, target,
               false as is_suppressed, null as null_reason
        from marts.fct_scorecard_monthly""")
    con.execute("insert into marts.disclosure_withheld_cells values "
                "('C01', 'organisation', 'ZZZ', '2025-06-01', 'site', 'S1', 'unpublished', 0)")
    breakdowns = disclose(con, "publish_candidate.scorecard_breakdowns", "scorecard_breakdowns")
    assert rows(con, breakdowns, "measure_id = 'C01' and level = 'organisation' "
                                 "and period = '2025-06-01'") == []
    assert len(rows(con, breakdowns, "true")) == 35


def test_the_policy_suite_blocks_a_trust_figure_withheld_for_being_small(con):
    from dagster_project.quality.gx_runner import run_suite
    from dagster_project.settings import EXPECTATIONS_DIR

    suite = EXPECTATIONS_DIR / "marts.disclosure_withheld_cells.json"
    assert {o.name for o in run_suite(con, suite).failed} == set()
    con.execute("insert into marts.disclosure_withheld_cells "
                "values ('Q02', 'organisation', 'ZZZ', '2025-06-01', '', '', 'primary', 0)")
    assert {o.name for o in run_suite(con, suite).failed} == {
        "trust_figures_only_by_secondary_suppression"}
