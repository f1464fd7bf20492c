"""Rare-event charts end to end: the real nightly job on the small synthetic trust (the session's
`pipeline_run`). Q03 and Q04 get a g chart of days between events beside their monthly count
chart, at both levels, from marts.fct_rare_event_intervals through the engine's
`attribute_chart`; every chart below is the catalogue's for its level; every SPC table keys a
chart by (measure_id, level, unit_code, chart_type); an event chart is published only for a unit
with no withheld month."""

from __future__ import annotations

import polars as pl
import pytest

from dagster_project.spc import attribute_chart

pytestmark = pytest.mark.integration

CHART = ["measure_id", "level", "unit_code", "chart_type"]


@pytest.fixture(scope="module")
def warehouse(pipeline_warehouse):
    return pipeline_warehouse


def _pl(con, sql: str) -> pl.DataFrame:
    return con.sql(sql).pl()


def test_every_chart_is_the_catalogues_chart_for_its_level(warehouse):
    charts = _pl(warehouse, """
        select s.measure_id, s.level, s.chart_type, m.chart_type as csu_chart,
               m.organisation_chart_type, m.event_chart_type
        from spc.spc_summary as s join marts.dim_measure as m using (measure_id)""")
    for row in charts.iter_rows(named=True):
        named = row["organisation_chart_type"] if row["level"] == "organisation" \
            else row["csu_chart"]
        # the one data-driven rule: a run chart becomes XmR at 12 points
        allowed = {named, row["event_chart_type"]} | ({"xmr"} if named == "run" else set())
        assert row["chart_type"] in allowed, row
    org = charts.filter(pl.col("level") == "organisation")
    assert set(org.filter(pl.col("measure_id") == "Q03")["chart_type"]) == {"xmr", "g"}


def test_q03_and_q04_have_g_charts_of_days_between_events_at_both_levels(warehouse):
    summary = _pl(warehouse, "select * from spc.spc_summary")
    assert summary.select(CHART).is_duplicated().sum() == 0
    g = summary.filter(pl.col("chart_type") == "g")
    assert set(g["measure_id"]) == {"Q03", "Q04"}
    assert set(g.filter(pl.col("measure_id") == "Q03")["level"]) == {"organisation", "csu"}
    assert (g["days_since_last_event"] >= 0).all()
    # beside the monthly count chart of the same unit
    counts = summary.filter(pl.col("chart_type") != "g").select("measure_id", "level",
                                                                "unit_code")
    assert g.select("measure_id", "level", "unit_code").join(
        counts, on=["measure_id", "level", "unit_code"], how="anti").height == 0

    points = _pl(warehouse, """
        select * from spc.spc_points
        where measure_id = 'Q03' and level = 'organisation' and chart_type = 'g'
        order by event_number""")
    events = _pl(warehouse, """
        select * from marts.fct_rare_event_intervals
        where measure_id = 'Q03' and level = 'organisation' order by event_number""")
    assert points.height == events.height  # one point per event
    assert points["period"].to_list() == events["event_date"].to_list()
    engine = attribute_chart(events.select("event_number", "days_since_previous_event"),
                             chart="g", value="days_since_previous_event",
                             date="event_number")
    assert points["upl"].to_list() == pytest.approx(engine["ucl"].to_list(), rel=1e-12)
    assert points["mean"].to_list() == pytest.approx(engine["cl"].to_list(), rel=1e-12)
    last = summary.filter((pl.col("measure_id") == "Q03") & (pl.col("level") == "organisation")
                          & (pl.col("chart_type") == "g")).row(0, named=True)
    # to the end of the unit's latest period on its count chart, provisional or not
    latest_month, = warehouse.execute("""
        select max(period) from spc.spc_points
        where measure_id = 'Q03' and level = 'organisation' and chart_type = 'xmr'""").fetchone()
    as_of = pl.Series([latest_month]).dt.month_end()[0]
    assert last["last_event_date"] == events["event_date"][-1]
    assert last["days_since_last_event"] == (as_of - events["event_date"][-1]).days


def test_signals_and_their_history_name_the_chart(warehouse):
    for table in ("spc_signals", "spc_signal_history"):
        columns = [d[0] for d in warehouse.execute(f"select * from spc.{table} limit 0").description]
        assert {"chart_type", "event_number"} <= set(columns)
    assert warehouse.execute("select count(*) from spc.spc_signal_history "
                             "where chart_type is null").fetchall()[0][0] == 0


def test_an_event_chart_is_published_only_for_a_unit_with_no_withheld_month(warehouse):
    withheld_units = set(warehouse.execute("""
        select distinct measure_id, level, unit_code from marts.disclosure_withheld_cells
        where breakdown_type = '' and measure_id in ('Q03', 'Q04')""").fetchall())
    spc_g = set(warehouse.execute("select measure_id, level, unit_code from spc.spc_summary "
                                  "where chart_type = 'g'").fetchall())
    for table in ("spc_points", "spc_summary", "spc_signals", "spc_signal_history"):
        published = set(warehouse.execute(
            f"select distinct measure_id, level, unit_code from published.{table} "
            "where chart_type = 'g'").fetchall())
        assert not published & withheld_units, table
        if table in ("spc_points", "spc_summary"):
            assert published == spc_g - withheld_units, table
    assert withheld_units & spc_g, "the small trust has event charts to withhold"
