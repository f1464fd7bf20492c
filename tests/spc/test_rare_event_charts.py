"""Rare-event charts and the chart per level (spc/events.py, spc/scorecard.py), pure polars and
DuckDB, no Dagster: the catalogue names each level's chart, Q03/Q04-style measures get a g chart
of days between events beside their monthly counts, computed by the engine's `attribute_chart`,
and every SPC table keys a chart by (measure_id, level, unit_code, chart_type)."""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl
import pytest

from dagster_project.spc import attribute_chart
from dagster_project.spc.assets import SIGNAL_HISTORY_BACKFILL, SIGNAL_HISTORY_MIGRATION
from dagster_project.spc.chart_keys import CHART_ID
from dagster_project.spc.events import chart_event_intervals, with_event_charts
from dagster_project.spc.scorecard import chart_scorecard
from dagster_project.spc.signals import detect_new_signals

MONTHS = [dt.date(2024 + m // 12, m % 12 + 1, 1) for m in range(24)]
NO_REBASE = pl.DataFrame(schema={"measure_id": pl.String, "level": pl.String,
                                 "unit_code": pl.String, "rebase_date": pl.Date})
# A never-event-like measure: c chart per CSU, XmR for the trust, a g chart of days between.
CATALOGUE = pl.DataFrame({
    "measure_id": ["E01", "U01"], "direction": ["decrease", "decrease"],
    "chart_type": ["c", "u"], "organisation_chart_type": ["xmr", "u"],
    "event_chart_type": ["g", None], "multiplier": [1.0, 1000.0],
})


def scorecard(measure, level, unit, numerators, denominators=None):
    n = len(numerators)
    den = denominators or [None] * n
    return pl.DataFrame({
        "measure_id": [measure] * n, "level": [level] * n, "unit_code": [unit] * n,
        "period": MONTHS[:n], "numerator": numerators, "denominator": den,
        "value": [a if d is None else a / d for a, d in zip(numerators, den)],
        "target": [None] * n,
    }, schema_overrides={"numerator": pl.Float64, "denominator": pl.Float64,
                         "value": pl.Float64, "target": pl.Float64})


def intervals(measure, level, unit, dates):
    """fct_rare_event_intervals rows for events on `dates` (sorted; repeats allowed)."""
    days = [None] + [(b - a).days for a, b in zip(dates, dates[1:])]
    return pl.DataFrame({
        "measure_id": [measure] * len(dates), "level": [level] * len(dates),
        "unit_code": [unit] * len(dates), "event_number": list(range(1, len(dates) + 1)),
        "event_date": dates, "days_since_previous_event": days,
    }, schema_overrides={"event_number": pl.Int32, "days_since_previous_event": pl.Int32})


def test_the_catalogue_names_the_chart_of_each_level():
    # Not the old rule in code (u/c at trust level become XmR): the catalogue's columns decide,
    # so a u chart the catalogue asks for at organisation level is a u chart there.
    counts = [3.0, 5, 2, 4, 6, 3, 4, 5, 2, 3, 4, 5, 3, 4]
    beds = [1000.0] * len(counts)
    sc = pl.concat([scorecard("E01", "organisation", "RXX", counts),
                    scorecard("E01", "csu", "AMS", counts),
                    scorecard("U01", "organisation", "RXX", counts, beds),
                    scorecard("U01", "csu", "AMS", counts, beds)])
    _, summary = chart_scorecard(sc, CATALOGUE, NO_REBASE)
    got = {(m, lv): t for m, lv, t in summary.select("measure_id", "level", "chart_type").rows()}
    assert got == {("E01", "organisation"): "xmr", ("E01", "csu"): "c",
                   ("U01", "organisation"): "u", ("U01", "csu"): "u"}
    flipped = CATALOGUE.with_columns(organisation_chart_type=pl.Series(["c", "xmr"]))
    _, summary = chart_scorecard(sc, flipped, NO_REBASE)
    got = {(m, lv): t for m, lv, t in summary.select("measure_id", "level", "chart_type").rows()}
    assert got[("E01", "organisation")] == "c" and got[("U01", "organisation")] == "xmr"


EVENTS = [dt.date(2024, 1, 5), dt.date(2024, 1, 5), dt.date(2024, 2, 20), dt.date(2024, 3, 2),
          dt.date(2024, 5, 30), dt.date(2024, 6, 1), dt.date(2024, 8, 15), dt.date(2024, 9, 9),
          dt.date(2024, 9, 30), dt.date(2024, 12, 1), dt.date(2025, 1, 17), dt.date(2025, 3, 3),
          dt.date(2025, 6, 30), dt.date(2025, 12, 24)]


def test_g_chart_is_the_engines_g_chart_of_days_between_events_one_point_per_event():
    iv = intervals("E01", "organisation", "RXX", EVENTS)
    points = chart_event_intervals(iv, CATALOGUE, NO_REBASE)
    assert points["chart_type"].unique().to_list() == ["g"]
    # one point per event, same-day events kept apart by their number
    assert points.height == len(EVENTS)
    assert points["period"].to_list() == EVENTS
    assert points["event_number"].to_list() == list(range(1, len(EVENTS) + 1))
    days = [(b - a).days for a, b in zip(EVENTS, EVENTS[1:])]
    assert points["value"].to_list() == [None, *map(float, days)]
    engine = attribute_chart(pl.DataFrame({"x": list(range(len(days))), "y": days}),
                             chart="g", value="y", date="x")
    assert points["mean"][1:].to_list() == pytest.approx(engine["cl"].to_list(), rel=1e-12)
    assert points["upl"][1:].to_list() == pytest.approx(engine["ucl"].to_list(), rel=1e-12)
    assert points["lpl"][1:].to_list() == pytest.approx(engine["lcl"].to_list(), rel=1e-12)
    mean = sum(days) / len(days)
    assert points["upl"][0] == pytest.approx(mean + 3 * (mean * (mean + 1)) ** 0.5)
    assert points["lpl"][0] == 0.0  # clamped at 0 by the engine


def test_a_long_gap_between_rare_harms_is_an_improvement_and_a_cluster_a_concern():
    steady = [dt.date(2024, 1, 1) + dt.timedelta(days=10 * i) for i in range(20)]
    gap = [*steady, steady[-1] + dt.timedelta(days=400)]
    points = chart_event_intervals(intervals("E01", "csu", "AMS", gap), CATALOGUE, NO_REBASE)
    last = points.row(-1, named=True)
    assert last["improvement_direction"] == "increase"  # the count's direction, inverted
    assert last["special_cause_type"] == "Above UCL"
    assert last["point_type"] == "special_cause_improvement"


def test_a_rebase_date_starts_a_new_part_at_the_first_event_on_or_after_it():
    iv = intervals("E01", "organisation", "RXX", EVENTS)
    rebase = pl.DataFrame({"measure_id": ["E01"], "level": ["organisation"],
                           "unit_code": ["RXX"], "rebase_date": [dt.date(2024, 9, 1)]})
    points = chart_event_intervals(iv, CATALOGUE, rebase)
    first_after = next(i for i, d in enumerate(EVENTS) if d >= dt.date(2024, 9, 1))
    assert points["rebase_group"].to_list() == \
        [0] * first_after + [1] * (len(EVENTS) - first_after)
    assert points["mean"].n_unique() == 2


def test_two_charts_per_unit_in_points_summary_and_signals_with_days_since_the_last_event():
    counts = [2.0, 0, 1, 1, 0, 1, 0, 2, 1, 0, 0, 1]  # 2024: the month ends 2024-12-31
    sc = pl.concat([scorecard("E01", "organisation", "RXX", counts),
                    scorecard("E01", "csu", "AMS", counts)])
    events = EVENTS[:10]
    iv = pl.concat([intervals("E01", "organisation", "RXX", events),
                    intervals("E01", "csu", "AMS", events)])
    points, summary = chart_scorecard(sc, CATALOGUE, NO_REBASE)
    points, summary = with_event_charts(points, summary, iv, CATALOGUE, NO_REBASE)
    charts = summary.select(*CHART_ID).rows()
    assert charts == [("E01", "csu", "AMS", "c"), ("E01", "csu", "AMS", "g"),
                      ("E01", "organisation", "RXX", "g"), ("E01", "organisation", "RXX", "xmr")]
    assert points.select(*CHART_ID, "period", "event_number").is_duplicated().sum() == 0
    g = summary.filter(pl.col("chart_type") == "g")
    assert g["last_event_date"].to_list() == [dt.date(2024, 12, 1)] * 2
    assert g["days_since_last_event"].to_list() == [30, 30]  # to 31 December 2024
    assert summary.filter(pl.col("chart_type") != "g")["days_since_last_event"].null_count() == 2
    assert g["n_points"].to_list() == [len(events) - 1] * 2  # the first event has no interval
    # every point a special cause: the morning list names each chart's point apart, also two
    # events of one day, and a second run finds nothing new
    flagged = points.with_columns(special_cause_flag=pl.lit(True),
                                  special_cause_type=pl.lit("Above UCL"))
    first = detect_new_signals(flagged, pl.DataFrame(), "run1", dt.datetime(2025, 1, 2))
    assert first.height == points.height
    assert first.select(*CHART_ID, "period", "event_number").is_duplicated().sum() == 0
    news = first.filter(~pl.col("is_baseline")).select(*CHART_ID, "period", "event_number")
    assert sorted(news.rows()) == [
        ("E01", "csu", "AMS", "c", MONTHS[11], None),
        ("E01", "csu", "AMS", "g", dt.date(2024, 12, 1), 10),
        ("E01", "organisation", "RXX", "g", dt.date(2024, 12, 1), 10),
        ("E01", "organisation", "RXX", "xmr", MONTHS[11], None)]
    assert detect_new_signals(flagged, first, "run2", dt.datetime(2025, 1, 3)).height == 0


def test_a_history_from_before_chart_types_is_migrated_to_the_period_chart():
    con = duckdb.connect()
    con.execute("create schema spc")
    con.execute("""create table spc.spc_signal_history (
        measure_id varchar, level varchar, unit_code varchar, period date,
        special_cause_type varchar, point_type varchar, value double,
        detected_run_id varchar, detected_at timestamp, is_baseline boolean)""")
    con.execute("insert into spc.spc_signal_history values ('E01', 'csu', 'AMS', "
                "date '2024-03-01', 'Above UCL', 'special_cause_concern', 5, 'r0', "
                "timestamp '2024-04-01 02:00', false)")
    summary = pl.DataFrame({"measure_id": ["E01", "E01"], "level": ["csu", "csu"],
                            "unit_code": ["AMS", "AMS"], "chart_type": ["c", "g"]})
    for statement in SIGNAL_HISTORY_MIGRATION:
        con.execute(statement)
    con.register("summary_df", summary.to_arrow())
    con.execute(SIGNAL_HISTORY_BACKFILL)
    assert con.execute("select chart_type, event_number from spc.spc_signal_history"
                       ).fetchall() == [("c", None)]


def test_a_unit_with_a_single_event_has_no_event_chart_yet():
    iv = pl.concat([intervals("E01", "csu", "AMS", EVENTS[:1]),
                    intervals("E01", "csu", "CRS", EVENTS[:2])])
    points = chart_event_intervals(iv, CATALOGUE, NO_REBASE)
    assert points["unit_code"].unique().to_list() == ["CRS"]
