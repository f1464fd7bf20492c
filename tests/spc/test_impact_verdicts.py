"""Impact verdicts recomputed by hand from the spec (improvement-register.md, "Judging impact").

Every expected number below is worked out from the rules on a small series, not taken from the
code: a baseline alternating 10, 12 has mean 11, every moving range 2 (screening keeps them all),
limits 11 -/+ 2.66 x 2 = 5.68 .. 16.32 and 2-sigma lines 11 -/+ 3.5467 = 7.4533 .. 14.5467.
"""

import datetime as dt
import math

import polars as pl
import pytest

from dagster_project.spc.impact import IMPACT_COLUMNS, judge_impact

BASE = [10.0, 12.0] * 12  # 24 points: mean 11, limits 5.68 .. 16.32
START = dt.date(2023, 1, 1)  # 24 baseline months 2023-01 .. 2024-12; post from 2025-01
FIRST_POST = dt.date(2025, 1, 1)


def month(i, start=START):
    return dt.date(start.year + (start.month - 1 + i) // 12, (start.month - 1 + i) % 12 + 1, 1)


def series(values, direction="decrease", start=START, measure="Q05", level="csu", unit="ELD",
           frequency=None):
    n = len(values)
    periods = ([start + dt.timedelta(weeks=i) for i in range(n)] if frequency == "week"
               else [month(i, start) for i in range(n)])
    frame = pl.DataFrame({
        "measure_id": [measure] * n, "level": [level] * n, "unit_code": [unit] * n,
        "period": periods, "value": [None if v is None else float(v) for v in values],
        "direction": [direction] * n,
    }, schema_overrides={"value": pl.Float64})
    return frame.with_columns(frequency=pl.lit(frequency)) if frequency else frame


def intervention(date=dt.date(2025, 1, 15), project="QI-1", measure="Q05", level="csu",
                 unit="ELD", scope="project", role="outcome"):
    return {"project_id": project, "measure_id": measure, "role": role, "level": level,
            "unit_code": unit, "scope": scope, "intervention_date": date}


def judge(values, direction="decrease", date=dt.date(2025, 1, 15), **kw):
    out = judge_impact(series(values, direction, **kw), pl.DataFrame([intervention(date)]))
    assert out.height == 1
    return out.row(0, named=True)


def test_columns_are_exactly_the_specs():
    out = judge_impact(series(BASE + [9.0] * 7), pl.DataFrame([intervention()]))
    assert out.columns == [
        "project_id", "measure_id", "role", "level", "unit_code", "scope", "intervention_date",
        "baseline_points", "baseline_mean", "baseline_lpl", "baseline_upl", "post_points",
        "post_mean", "effect", "relative_effect", "first_signal_period", "verdict",
        "rebase_proposed_from"]
    assert dict(out.schema) == IMPACT_COLUMNS


def test_step_is_sustained_with_rebase_where_the_run_of_7_begins():
    # 6 early months of 100 are more than 24 points back: outside the baseline.
    # Post (decrease is better): 5 is below the lower limit 5.68 (the first signal, improving);
    # 11 sits on the mean and breaks any run; then 9, 10 x 4 (9 is inside the 2-sigma line
    # 7.4533): a run of 7 below the mean starting at the third post month.
    post = [5.0, 11.0, 9.0, 10.0, 9.0, 10.0, 9.0, 10.0, 9.0, 10.0]
    row = judge([100.0] * 6 + BASE + post, start=month(-6))
    assert row["baseline_points"] == 24
    assert row["baseline_mean"] == 11.0
    assert row["baseline_lpl"] == pytest.approx(11 - 2.66 * 2, rel=1e-12)
    assert row["baseline_upl"] == pytest.approx(11 + 2.66 * 2, rel=1e-12)
    assert row["post_points"] == 10
    assert row["post_mean"] == pytest.approx(92 / 10)
    assert row["effect"] == pytest.approx(9.2 - 11)
    assert row["relative_effect"] == pytest.approx(9.2 / 11 - 1)
    assert row["first_signal_period"] == FIRST_POST
    assert row["verdict"] == "sustained_improvement"
    assert row["rebase_proposed_from"] == month(2, FIRST_POST)


def test_intervention_on_the_last_day_of_a_month_starts_the_post_period_that_month():
    row = judge(BASE + [9.0, 10.0] * 4, date=dt.date(2025, 1, 31))
    assert (row["baseline_points"], row["post_points"]) == (24, 8)
    assert row["verdict"] == "sustained_improvement"
    assert row["rebase_proposed_from"] == FIRST_POST


def test_trend_against_the_direction_is_deterioration_rebased_from_the_first_signal():
    # 7 strictly rising post points: a trend (no shift: 11 is on the mean; all inside the
    # 2-sigma lines). Rising is worse for a decrease measure. No run of 7 above the mean, so the
    # proposal falls back to the first signal: the first point of the trend.
    post = [10.0, 10.5, 11.0, 11.5, 12.0, 12.5, 13.0]
    row = judge(BASE + post, direction="decrease")
    assert row["first_signal_period"] == FIRST_POST
    assert row["verdict"] == "deterioration"
    assert row["rebase_proposed_from"] == FIRST_POST
    assert row["post_mean"] == pytest.approx(80.5 / 7)


def test_trend_in_the_direction_without_a_sustained_side_is_not_sustained():
    # The same rising trend on an increase measure improves, but the latest 7 include 10, 10.5
    # (below the mean) and 11 (on it): not all on the improving side. No rebase proposal.
    row = judge(BASE + [10.0, 10.5, 11.0, 11.5, 12.0, 12.5, 13.0], direction="increase")
    assert row["verdict"] == "improvement_not_sustained"
    assert row["first_signal_period"] == FIRST_POST
    assert row["rebase_proposed_from"] is None


def test_improvement_that_fades_is_not_sustained():
    # 7 below the mean (a shift, improving for decrease), then back above it.
    post = [9.0, 10.0, 9.0, 10.0, 9.0, 10.0, 9.0, 12.0, 11.5, 12.0, 10.5, 12.0]
    row = judge(BASE + post)
    assert row["first_signal_period"] == FIRST_POST
    assert row["verdict"] == "improvement_not_sustained"
    assert row["rebase_proposed_from"] is None


def test_deterioration_after_a_common_cause_point_is_rebased_from_its_run():
    # Decrease measure: 10 (below the mean, no signal), then 7 points above the mean (12 and 13
    # are inside the 2-sigma line 14.5467): a shift, worsening, from the second post month.
    post = [10.0, 13.0, 12.0, 13.0, 12.0, 13.0, 12.0, 13.0]
    row = judge(BASE + post)
    assert row["first_signal_period"] == month(1, FIRST_POST)
    assert row["verdict"] == "deterioration"
    assert row["rebase_proposed_from"] == month(1, FIRST_POST)


def test_single_point_beyond_the_worse_limit_is_deterioration_from_that_point():
    # Increase measure: 5 < 5.68 is below the lower limit (worsening); nothing else fires.
    post = [11.5, 5.0, 10.0, 12.0, 10.0, 12.0, 10.0, 12.0]
    row = judge(BASE + post, direction="increase")
    assert row["first_signal_period"] == month(1, FIRST_POST)
    assert row["verdict"] == "deterioration"
    assert row["rebase_proposed_from"] == month(1, FIRST_POST)


def test_two_in_three_near_the_better_limit_is_the_first_signal():
    # Decrease: 7 and 7.2 lie between the lower limit 5.68 and the 2-sigma line 7.4533; the
    # window (7, 10, 7.2) is all below the mean, so the second and fourth post months are
    # flagged. The points on the mean (11) break every run: nothing else fires, and the latest
    # 7 are not all below the mean.
    post = [11.0, 7.0, 10.0, 7.2, 11.0, 12.0, 10.0, 12.0, 10.0]
    row = judge(BASE + post)
    assert row["first_signal_period"] == month(1, FIRST_POST)
    assert row["verdict"] == "improvement_not_sustained"
    assert row["rebase_proposed_from"] is None


def test_no_signal_is_no_significant_change():
    row = judge(BASE + [12.0, 10.0] * 5)
    assert row["first_signal_period"] is None
    assert row["verdict"] == "no_significant_change"
    assert row["rebase_proposed_from"] is None
    assert row["effect"] == 0.0


@pytest.mark.parametrize("values, baseline_points, post_points", [
    (BASE[:11] + [9.0] * 12, 11, 12),  # 11 baseline points (a signal would follow: ignored)
    (BASE + [5.0, 9.0, 9.0, 9.0, 9.0, 9.0], 24, 6),  # 6 post points
])
def test_too_few_points_is_insufficient_data(values, baseline_points, post_points):
    start = month(24 - baseline_points)  # baseline ends 2024-12 either way
    row = judge(values, start=start)
    assert (row["baseline_points"], row["post_points"]) == (baseline_points, post_points)
    assert row["verdict"] == "insufficient_data"
    assert row["first_signal_period"] is None
    assert row["rebase_proposed_from"] is None
    assert row["baseline_mean"] == pytest.approx(sum(values[:baseline_points]) / baseline_points)


def test_intervention_on_a_series_with_no_rows_is_insufficient_data():
    out = judge_impact(series(BASE + [9.0] * 7),
                       pl.DataFrame([intervention(unit="OTHER")]))
    row = out.row(0, named=True)
    assert (row["baseline_points"], row["post_points"], row["verdict"]) == (
        0, 0, "insufficient_data")
    assert row["baseline_mean"] is None and row["effect"] is None


def test_neutral_measure_gets_change_detected_or_no_significant_change():
    assert judge(BASE + [9.0, 10.0] * 4, direction="neutral")["verdict"] == "change_detected"
    flat = judge(BASE + [12.0, 10.0] * 4, direction="neutral")
    assert flat["verdict"] == "no_significant_change"
    assert flat["rebase_proposed_from"] is None


def test_null_periods_are_left_out():
    # Baseline: 14 months, 2 of them null: 12 points 10,12,12,10,12,10,12,10,12,10,12,10.
    # Left out, not gaps: 11 moving ranges 2,0,2,...,2 (sum 20), amr 20/11 (screening keeps
    # all: 3.267 x 1.818 = 5.94), mean 11. (Kept as gaps, the range 12 -> 12 would vanish.)
    baseline = [10, 12, None, 12, 10, 12, 10, None, 12, 10, 12, 10, 12, 10]
    # Post: 8 months, 1 null: 7 points below the mean, a run across the gap (decrease: better).
    post = [9, None, 10, 9, 10, 9, 10, 9]
    row = judge(baseline + post, start=month(-14, FIRST_POST))
    amr = 20 / 11
    assert row["baseline_points"] == 12
    assert row["baseline_mean"] == 11.0
    assert row["baseline_lpl"] == pytest.approx(11 - 2.66 * amr, rel=1e-12)
    assert row["baseline_upl"] == pytest.approx(11 + 2.66 * amr, rel=1e-12)
    assert row["post_points"] == 7
    assert row["post_mean"] == pytest.approx(66 / 7)
    assert row["verdict"] == "sustained_improvement"
    assert row["first_signal_period"] == FIRST_POST
    assert row["rebase_proposed_from"] == FIRST_POST


def test_null_periods_do_not_count_towards_the_twelve():
    # 13 baseline months, 2 null: 11 points.
    baseline = [10, 12, None, 10, 12, 10, None, 12, 10, 12, 10, 12, 10]
    row = judge(baseline + [9] * 7, start=month(-13, FIRST_POST))
    assert row["baseline_points"] == 11
    assert row["verdict"] == "insufficient_data"


def test_weekly_local_measure_starts_in_the_week_of_the_intervention():
    # 12 weekly baseline points (Mondays from 2024-12-16 to 2025-03-03), then 7 weeks from
    # Monday 2025-03-10, the week of Wednesday 2025-03-12. Increase is better: 13, 14 are above
    # the mean 11 (inside the 2-sigma line): a run of 7 from the first post week.
    # (Taken by month, the March weeks would be post and the baseline 11 points: insufficient.)
    values = [10, 12] * 6 + [13, 14, 13, 14, 13, 14, 13]
    frame = series(values, "increase", start=dt.date(2024, 12, 16), measure="L-FALLS_AUDIT",
                   level="project", unit="QI-7", frequency="week")
    out = judge_impact(frame, pl.DataFrame([intervention(
        dt.date(2025, 3, 12), project="QI-7", measure="L-FALLS_AUDIT", level="project",
        unit="QI-7", role="process")]))
    row = out.row(0, named=True)
    assert (row["baseline_points"], row["post_points"]) == (12, 7)
    assert row["post_mean"] == pytest.approx(94 / 7)
    assert row["verdict"] == "sustained_improvement"
    assert row["first_signal_period"] == dt.date(2025, 3, 10)
    assert row["rebase_proposed_from"] == dt.date(2025, 3, 10)


def test_project_and_spread_judged_together_on_their_own_dates():
    # One series per unit; the project on ELD from 2025-01, its spread to MED from 2025-07.
    eld = series(BASE + [9.0, 10.0] * 6, unit="ELD")
    med = series(BASE + [12.0, 10.0] * 3 + [9.0, 10.0] * 4, unit="MED")
    out = judge_impact(pl.concat([eld, med]), pl.DataFrame([
        intervention(), intervention(dt.date(2025, 7, 1), unit="MED", scope="spread"),
        intervention(dt.date(2025, 7, 1), unit="ELD", scope="spread"),
    ]))
    rows = {(r["unit_code"], r["scope"]): r for r in out.iter_rows(named=True)}
    assert rows["ELD", "project"]["verdict"] == "sustained_improvement"
    assert rows["MED", "spread"]["baseline_points"] == 24
    assert rows["MED", "spread"]["baseline_mean"] == pytest.approx(11.0)
    assert rows["MED", "spread"]["verdict"] == "sustained_improvement"
    assert rows["MED", "spread"]["rebase_proposed_from"] == dt.date(2025, 7, 1)
    # on ELD from 2025-07 the baseline holds the improved months: 9, 10 are common cause there
    assert rows["ELD", "spread"]["verdict"] == "insufficient_data"  # 6 post points


def test_constant_baseline_has_no_limits_but_a_shift_still_signals():
    row = judge([11.0] * 24 + [9.0] * 7)
    assert row["baseline_lpl"] is None and row["baseline_upl"] is None
    assert row["verdict"] == "sustained_improvement"


def test_zero_baseline_mean_has_no_relative_effect():
    row = judge([0.0] * 24 + [1.0] * 7, direction="increase")
    assert row["effect"] == 1.0 and row["relative_effect"] is None


@pytest.mark.parametrize("change, message", [
    (lambda s: s.with_columns(direction=pl.lit("up")), "direction"),
    (lambda s: pl.concat([s, s.head(1)]), "a period more than once"),
    (lambda s: s.drop("value"), "lacks column"),
    (lambda s: s.with_columns(period=pl.col("period").cast(pl.String)), "must be a Date"),
])
def test_bad_series_is_a_clear_error(change, message):
    with pytest.raises(ValueError, match=message):
        judge_impact(change(series(BASE + [9.0] * 7)), pl.DataFrame([intervention()]))


def test_every_number_is_finite_or_null():
    out = judge_impact(series(BASE + [9.0] * 7), pl.DataFrame([intervention()]))
    for value in out.row(0):
        assert not (isinstance(value, float) and not math.isfinite(value))


def test_points_and_rebase_basis_say_what_each_verdict_rests_on():
    from dagster_project.spc.impact import judge_with_points

    step = series([100.0] * 6 + BASE + [5.0, 11.0] + [9.0, 10.0] * 4, start=month(-6))
    spike = series(BASE + [11.5, 5.0, 10.0, 12.0, 10.0, 12.0, 10.0, 12.0], "increase",
                   unit="MED")
    verdicts, points = judge_with_points(pl.concat([step, spike]), pl.DataFrame(
        [intervention(), intervention(unit="MED")]))
    assert verdicts.get_column("rebase_basis").to_list() == ["run_of_7", "first_signal"]
    eld = points.filter(pl.col("unit_code") == "ELD")
    assert eld.filter(pl.col("phase") == "baseline").get_column("period").to_list() == [
        month(i) for i in range(24)]  # the 100s six months earlier are not in the baseline
    assert eld.filter(pl.col("phase") == "post").height == 10


def test_judgements_without_post_points_beside_others_keep_their_own_numbers():
    # the first two judgements have no post points (no series; a future date), the third does:
    # each keeps its own counts and means
    out = judge_impact(series(BASE + [9.0, 10.0] * 4), pl.DataFrame([
        intervention(unit="OTHER"), intervention(dt.date(2030, 1, 1), project="QI-2"),
        intervention(project="QI-3")]))
    rows = {r["project_id"] + r["unit_code"]: r for r in out.iter_rows(named=True)}
    assert rows["QI-1OTHER"]["post_points"] == 0 and rows["QI-1OTHER"]["post_mean"] is None
    assert rows["QI-2ELD"]["post_points"] == 0 and rows["QI-2ELD"]["baseline_points"] == 24
    assert rows["QI-3ELD"]["post_points"] == 8
    assert rows["QI-3ELD"]["post_mean"] == pytest.approx(9.5)
    assert rows["QI-3ELD"]["verdict"] == "sustained_improvement"
