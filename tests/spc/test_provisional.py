"""Provisional periods take no part in SPC (issue 14): held back from limits and rules, put back
on their chart marked and unjudged, never on the new-signals list; judged - and new - once they
mature. Unit tests on a handmade scorecard, then the generated trust built for real."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from dagster_project.spc.chart_keys import CHART_KEYS
from dagster_project.spc.scorecard import chart_with_provisional
from dagster_project.spc.signals import detect_new_signals
from dagster_project.spc.provisional import PROVISIONAL_POINT_TYPE, judged

from .conftest import dates

NO_REBASE = pl.DataFrame(schema={"measure_id": pl.String, "level": pl.String,
                                 "unit_code": pl.String, "rebase_date": pl.Date})
CATALOGUE = pl.DataFrame({"measure_id": ["Q06"], "direction": ["increase"], "chart_type": ["xmr"],
                          "organisation_chart_type": ["xmr"], "event_chart_type": [None],
                          "multiplier": [1.0]}, schema_overrides={"event_chart_type": pl.String})
NOW = dt.datetime(2025, 8, 1)


def scorecard(values, provisional_last: int) -> pl.DataFrame:
    """One organisation series; its last `provisional_last` periods provisional."""
    n = len(values)
    flags = [i >= n - provisional_last for i in range(n)]
    return pl.DataFrame({
        "measure_id": "Q06", "level": "organisation", "unit_code": "Z9T", "period": dates(n),
        "numerator": values, "denominator": [1.0] * n, "value": values, "target": 0.9,
        "is_provisional": flags,
        "provisional_reason": ["maturing" if f else None for f in flags],
    })


# 14 steady months, then a month far below the limits (a month whose incidents have not closed)
STEADY = [0.88, 0.94] * 7
LOW = STEADY + [0.60]


def test_a_provisional_period_is_charted_but_not_judged():
    points, summary = chart_with_provisional(scorecard(LOW, 1), CATALOGUE, NO_REBASE)
    last = points.row(-1, named=True)
    assert last["is_provisional"] and last["provisional_reason"] == "maturing"
    assert last["value"] == 0.60
    assert not last["special_cause_flag"] and last["special_cause_type"] is None
    assert last["point_type"] == PROVISIONAL_POINT_TYPE
    # the limits are the judged points' own, carried across
    judged_last = points.row(-2, named=True)
    assert (last["mean"], last["lpl"], last["upl"]) == (
        judged_last["mean"], judged_last["lpl"], judged_last["upl"])
    assert judged_last["mean"] == pytest.approx(0.91)
    # the summary describes the latest judged period and counts the provisional one
    row = summary.row(0, named=True)
    assert row["latest_period"] == dates(15)[13] and row["variation_icon"] == "common_cause"
    assert row["provisional_periods"] == 1 and row["provisional_from"] == dates(15)[14]
    assert detect_new_signals(judged(points), pl.DataFrame(), "run-1", NOW).is_empty()


def test_a_provisional_period_does_not_move_the_limits():
    held, _ = chart_with_provisional(scorecard(LOW, 1), CATALOGUE, NO_REBASE)
    alone, _ = chart_with_provisional(scorecard(STEADY, 0), CATALOGUE, NO_REBASE)
    assert held["upl"][0] == alone["upl"][0] and held["lpl"][0] == alone["lpl"][0]


def test_a_matured_period_is_judged_and_new_then():
    first, _ = chart_with_provisional(scorecard(LOW, 1), CATALOGUE, NO_REBASE)
    history = detect_new_signals(judged(first), pl.DataFrame(), "run-1", NOW)
    assert history.is_empty()
    matured, _ = chart_with_provisional(scorecard(LOW, 0), CATALOGUE, NO_REBASE)
    new = detect_new_signals(judged(matured), history, "run-2", NOW)
    assert new.filter(~pl.col("is_baseline")).select("period", "special_cause_type").rows() == [
        (dates(15)[14], "Below LCL")]


# --- the generated trust, built for real ---------------------------------------------------------

def _chart(warehouse):
    from tests.maturity_trust import query

    scorecard = query(warehouse, """
        select measure_id, level, unit_code, period, cast(numerator as double) numerator,
               cast(denominator as double) denominator, value, target, is_provisional,
               provisional_reason
        from marts.fct_scorecard_monthly""")
    catalogue = query(warehouse, """
        select m.measure_id, m.direction, m.chart_type, c.organisation_chart_type,
               c.event_chart_type, cast(m.multiplier as double) multiplier
        from marts.dim_measure m join seeds.measure_catalogue c using (measure_id)""")
    return chart_with_provisional(scorecard, catalogue, NO_REBASE)


def _signals_at(points, period, measures):
    return points.filter(pl.col("period") == period, pl.col("measure_id").is_in(measures),
                         pl.col("special_cause_flag"))


@pytest.mark.integration
def test_the_trusts_immature_month_raises_no_signal_until_it_matures(tmp_path_factory):
    from tests.maturity_trust import NEWEST_MONTH, trust_state

    points, _ = _chart(trust_state("delivered", tmp_path_factory))
    newest = points.filter(pl.col("period") == NEWEST_MONTH, pl.col("measure_id") == "Q06")
    assert newest.height and newest["is_provisional"].all()
    assert _signals_at(points, NEWEST_MONTH, ["Q06", "Q07"]).is_empty()
    history = detect_new_signals(judged(points), pl.DataFrame(), "night-1", NOW)
    assert history.filter(pl.col("measure_id").is_in(["Q06", "Q07"]),
                          pl.col("period") == NEWEST_MONTH).is_empty()

    # a later extract: June has had its 31 days, and its closures are still missing
    matured, _ = _chart(trust_state("matured", tmp_path_factory))
    june = matured.filter(pl.col("period") == NEWEST_MONTH, pl.col("measure_id") == "Q06",
                          pl.col("level") == "organisation")
    assert not june["is_provisional"].any()
    assert june["special_cause_type"].to_list() == ["Below LCL"]
    new = detect_new_signals(judged(matured), history, "night-2", NOW)
    assert new.filter(pl.col("measure_id") == "Q06", pl.col("level") == "organisation",
                      pl.col("period") == NEWEST_MONTH
                      ).select("special_cause_type", "is_baseline").rows() == [
        ("Below LCL", False)]
    assert set(CHART_KEYS) <= set(new.columns)
