"""Charting the scorecard (dagster_project/spc/scorecard.py), pure polars, no Dagster."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from dagster_project.spc.scorecard import chart_scorecard
from dagster_project.spc.signals import detect_new_signals

MONTHS = [dt.date(2023 + (m // 12), m % 12 + 1, 1) for m in range(24)]


def scorecard(measure, level, unit, values, numerators=None, denominators=None, target=None):
    n = len(values)
    return pl.DataFrame({
        "measure_id": [measure] * n, "level": [level] * n, "unit_code": [unit] * n,
        "period": MONTHS[:n],
        "numerator": numerators or [None] * n, "denominator": denominators or [None] * n,
        "value": values, "target": [target] * n,
    }, schema_overrides={"numerator": pl.Float64, "denominator": pl.Float64,
                         "value": pl.Float64, "target": pl.Float64})


CATALOGUE = pl.DataFrame({
    "measure_id": ["X01", "P01", "R01", "N01"],
    "direction": ["decrease", "increase", "increase", "increase"],
    "chart_type": ["xmr", "p", "run", "none"],
    "organisation_chart_type": ["xmr", "p", "run", "none"],
    "multiplier": [1.0, 1.0, 1.0, 1.0],
})
NO_REBASE = pl.DataFrame(schema={"measure_id": pl.String, "level": pl.String,
                                 "unit_code": pl.String, "rebase_date": pl.Date})


def test_step_down_in_a_decrease_measure_is_an_improvement():
    values = [10.0, 11, 9, 10, 12, 10, 11, 9, 10, 11, 10, 9] + [5.0, 6, 5, 4, 6, 5, 5, 6, 4, 5, 6, 5]
    points, summary = chart_scorecard(scorecard("X01", "csu", "AMS", values), CATALOGUE, NO_REBASE)
    late = points.filter(pl.col("period") >= MONTHS[12])
    assert (late["point_type"] == "special_cause_improvement").all()
    row = summary.row(0, named=True)
    assert row["variation_icon"] == "improvement_low"
    assert row["assurance_icon"] is None  # no target


def test_rebase_date_recalculates_limits_after_the_step():
    values = [10.0, 11, 9, 10, 12, 10, 11, 9, 10, 11, 10, 9] + [5.0, 6, 5, 4, 6, 5, 5, 6, 4, 5, 6, 5]
    rebase = pl.DataFrame({"measure_id": ["X01"], "level": ["csu"], "unit_code": ["AMS"],
                           "rebase_date": [MONTHS[12]]})
    points, summary = chart_scorecard(scorecard("X01", "csu", "AMS", values), CATALOGUE, rebase)
    assert points["rebase_group"].n_unique() == 2
    assert summary["mean"][0] == pytest.approx(sum(values[12:]) / 12)
    assert summary["variation_icon"][0] == "common_cause"


def test_p_chart_uses_numerator_and_denominator_and_flags_a_drop():
    num = [90.0] * 20 + [40.0]
    den = [100.0] * 21
    sc = scorecard("P01", "csu", "AMS", [a / b for a, b in zip(num, den)], num, den, target=0.95)
    points, summary = chart_scorecard(sc, CATALOGUE, NO_REBASE)
    last = points.filter(pl.col("period") == MONTHS[20]).row(0, named=True)
    assert last["special_cause_type"] == "Below LCL"
    assert last["point_type"] == "special_cause_concern"
    assert summary["chart_type"][0] == "p"
    assert summary["assurance_icon"][0] in {"consistent_fail", "inconsistent"}


def test_run_chart_until_twelve_points_then_xmr_and_none_is_not_charted():
    short = scorecard("R01", "csu", "AMS", [5.0, 6, 5, 7, 6])
    long = scorecard("R01", "csu", "CRS", [5.0, 6, 5, 7, 6, 5, 6, 5, 7, 6, 5, 6])
    none = scorecard("N01", "csu", "AMS", [1.0, 2.0])
    points, summary = chart_scorecard(pl.concat([short, long, none]), CATALOGUE, NO_REBASE)
    types = dict(summary.select("unit_code", "chart_type").iter_rows())
    assert types == {"AMS": "run", "CRS": "xmr"}
    assert "N01" not in points["measure_id"].to_list()


def test_new_signals_are_those_not_seen_before():
    values = [10.0, 11, 9, 10, 12, 10, 11, 9, 10, 11, 10, 9, 10, 40]
    points, _ = chart_scorecard(scorecard("X01", "csu", "AMS", values), CATALOGUE, NO_REBASE)
    now = dt.datetime(2026, 11, 1)
    first = detect_new_signals(points, pl.DataFrame(), "run1", now)
    news = first.filter(~pl.col("is_baseline"))
    assert news.select("period", "special_cause_type").rows() == [(MONTHS[13], "Above UCL")]
    assert first.height > news.height, "older special causes are remembered as the baseline"
    again = detect_new_signals(points, first, "run2", now)
    assert again.height == 0
    moved = points.with_columns(special_cause_type=pl.lit("Above UCL"),
                                special_cause_flag=pl.lit(True))
    later = detect_new_signals(moved, first, "run3", now)
    assert not later["is_baseline"].any() and later.height > 0


def test_constant_series_with_a_target_has_inconsistent_assurance():
    # Screening leaves no moving range, so the limits are NaN: the target cannot be judged.
    points, summary = chart_scorecard(scorecard("X01", "csu", "AMS", [5.0] * 14, target=1.0),
                                      CATALOGUE, NO_REBASE)
    assert summary["upl"].is_nan().all()
    assert summary["assurance_icon"].to_list() == ["inconsistent"]


def test_unit_code_containing_the_key_separator_survives_intact():
    # The old asset joined measure|level|unit into one string and split it back: "A|B" became
    # a phantom CSU "A".
    values = [10.0, 11, 9, 10, 12, 10, 11, 9, 10, 11, 10, 9, 10, 11]
    sc = pl.concat([scorecard("X01", "csu", "A|B", values),
                    scorecard("X01", "csu", "A", [v + 1 for v in values])])
    rebase = pl.DataFrame({"measure_id": ["X01"], "level": ["csu"], "unit_code": ["A|B"],
                           "rebase_date": [MONTHS[7]]})
    points, summary = chart_scorecard(sc, CATALOGUE, rebase)
    assert sorted(summary["unit_code"]) == ["A", "A|B"]
    assert points.group_by("unit_code").len().sort("unit_code").rows() == [("A", 14), ("A|B", 14)]
    assert points.filter(pl.col("unit_code") == "A|B")["rebase_group"].max() == 1
    assert points.filter(pl.col("unit_code") == "A")["rebase_group"].max() == 0
    signals = detect_new_signals(points.with_columns(special_cause_flag=pl.lit(True)),
                                 pl.DataFrame(), "run1", dt.datetime(2026, 11, 1))
    assert set(signals["unit_code"]) == {"A", "A|B"}


ATTRIBUTE_CATALOGUE = pl.DataFrame({
    "measure_id": ["C05", "R01"], "direction": ["decrease", "increase"],
    "chart_type": ["c", "run"], "organisation_chart_type": ["c", "run"],
    "multiplier": [1.0, 1.0]})


def test_rebase_date_splits_a_csu_attribute_chart_into_parts():
    # README's own example: Q05,csu,ELD,2025-04-01. Attribute charts used to stay in group 0.
    counts = [3.0, 5, 2, 8, 4, 6, 3, 7, 5, 4, 6, 6] + [15.0, 17, 14, 18, 16, 15, 17, 16, 14, 18]
    sc = scorecard("C05", "csu", "ELD", counts, numerators=counts)
    rebase = pl.DataFrame({"measure_id": ["C05"], "level": ["csu"], "unit_code": ["ELD"],
                           "rebase_date": [MONTHS[12]]})
    points, summary = chart_scorecard(sc, ATTRIBUTE_CATALOGUE, rebase)
    assert points["chart_type"].unique().to_list() == ["c"]
    assert points["rebase_group"].to_list() == [0] * 12 + [1] * 10
    means = points.group_by("rebase_group").agg(pl.col("mean").unique()).sort("rebase_group")
    assert means["mean"].to_list() == [[sum(counts[:12]) / 12], [sum(counts[12:]) / 10]]
    # the step up is a new level, not a run of special causes against the old limits
    assert not points.filter(pl.col("rebase_group") == 1)["special_cause_flag"].any()
    unsplit, _ = chart_scorecard(sc, ATTRIBUTE_CATALOGUE, NO_REBASE)
    assert unsplit.filter(pl.col("period") >= MONTHS[12])["special_cause_flag"].all()
    assert summary["mean"][0] == pytest.approx(sum(counts[12:]) / 10)
    assert summary["short_group_warning"][0]  # 10 points in the latest part


def test_rebase_date_splits_a_run_chart():
    values = [5.0, 6, 5, 7, 6, 9, 10, 9]
    rebase = pl.DataFrame({"measure_id": ["R01"], "level": ["csu"], "unit_code": ["AMS"],
                           "rebase_date": [MONTHS[5]]})
    points, _ = chart_scorecard(scorecard("R01", "csu", "AMS", values), ATTRIBUTE_CATALOGUE,
                                rebase)
    assert points["chart_type"].unique().to_list() == ["run"]
    assert points["rebase_group"].to_list() == [0] * 5 + [1] * 3
    assert points["mean"].to_list() == [6.0] * 5 + [9.0] * 3
