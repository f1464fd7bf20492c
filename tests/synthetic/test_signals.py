"""The planted signals are in the raw numbers, strong enough for the SPC rules to fire."""

from __future__ import annotations

import pytest

from dagster_project.synthetic import PLANTED_SIGNALS, generate
from dagster_project.synthetic.signals import (
    FALLS_SPREAD_STEP, FALLS_STEP, FALLS_STEPS, FFT_DECLINE, SEVERE_HARM_SPIKE,
)

from .raw_measures import (
    connect,
    falls_with_harm_rate,
    inpatient_fft_positive,
    severe_harm_count,
    xmr,
)


def test_planted_signals_are_declared():
    assert [s.measure_id for s in PLANTED_SIGNALS] == ["Q05", "S01", "Q03", "Q05"]
    assert FALLS_STEPS == (FALLS_STEP, FALLS_SPREAD_STEP)
    assert FALLS_SPREAD_STEP.month > FALLS_STEP.month
    assert {s.kind for s in PLANTED_SIGNALS} == {"step_down", "trend_down", "spike"}
    for s in PLANTED_SIGNALS:
        assert "2023-11" <= s.month <= "2026-10" and s.expected_rule and s.description


def test_signal_csus_exist(trust_db):
    con = trust_db
    csus = {c for (c,) in con.execute("select distinct csu_code from org_structure").fetchall()}
    assert {s.csu_code for s in PLANTED_SIGNALS} <= csus


def check_falls_step(con, step=FALLS_STEP) -> None:
    series = falls_with_harm_rate(con, step.csu_code)
    before = [v for m, v in series if m < step.month]
    after = [v for m, v in series if m >= step.month]
    drop = 1 - (sum(after) / len(after)) / (sum(before) / len(before))
    assert 0.35 < drop < 0.55, drop
    chart = xmr([v for _m, v in series])
    flagged_after = [m for (m, _v), run, low in zip(series, chart["shift_below"], chart["below"])
                     if (run or low) and m >= step.month]
    assert len(flagged_after) >= 7
    assert not any(chart["shift_below"][:len(before)])


def check_fft_trend(con) -> None:
    series = inpatient_fft_positive(con, FFT_DECLINE.csu_code)
    chart = xmr([v for _m, v in series])
    window = [m for m, _v in series if FFT_DECLINE.month <= m <= FFT_DECLINE.end_month]
    flagged = {m for (m, _v), t in zip(series, chart["trend_down"]) if t}
    assert len(window) == 9 and set(window) <= flagged
    values = dict(series)
    assert values[FFT_DECLINE.end_month] < values[FFT_DECLINE.month] - 0.07


def check_spike(con) -> None:
    for csu in (None, SEVERE_HARM_SPIKE.csu_code):
        series = severe_harm_count(con, csu)
        chart = xmr([v for _m, v in series])
        above = [m for (m, _v), a in zip(series, chart["above"]) if a]
        assert above == [SEVERE_HARM_SPIKE.month], (csu, above)


def test_falls_with_harm_step_down(trust_db):
    check_falls_step(trust_db)


def check_spread_step(con) -> None:
    """The spread CSU's step, judged as the improvement register judges an adopting unit: the
    points from the adoption month against the mean of the 24 months before it."""
    step = FALLS_SPREAD_STEP
    series = falls_with_harm_rate(con, step.csu_code)
    before = [v for m, v in series if m < step.month][-24:]
    after = [v for m, v in series if m >= step.month]
    drop = 1 - (sum(after) / len(after)) / (sum(before) / len(before))
    assert 0.35 < drop < 0.55, drop
    mean = sum(before) / len(before)
    assert len(after) >= 7 and all(v < mean for v in after[-7:])
    assert any(all(v < mean for v in after[i:i + 7]) for i in range(len(after) - 6))


def test_falls_with_harm_step_down_where_the_change_spread(trust_db):
    check_spread_step(trust_db)


def test_fft_positive_declining_trend(trust_db):
    check_fft_trend(trust_db)


def test_severe_harm_spike_above_the_upper_limit(trust_db):
    check_spike(trust_db)


@pytest.mark.parametrize("seed", [5, 2024])
def test_signals_do_not_depend_on_the_seed(tmp_path, seed):
    generate(tmp_path, seed=seed, staff=100)
    con = connect(tmp_path)
    check_falls_step(con)
    check_spread_step(con)
    check_fft_trend(con)
    check_spike(con)


def test_signals_outside_the_range_are_not_planted(tmp_path):
    """A run ending before the spike month has no spike to find, and nothing breaks."""
    generate(tmp_path, months=6, end_month="2023-12", staff=100)
    con = connect(tmp_path)
    months = [m for m, _v in severe_harm_count(con, None)]
    assert months == ["2023-07", "2023-08", "2023-09", "2023-10", "2023-11", "2023-12"]
