from dagster_project.spc import xmr

from .conftest import dates, fixed_chart, series, tail_col

RISE = [8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0]


def test_seven_rising_points_flagged_increasing():
    c = fixed_chart([11.0] + RISE + [11.0])
    assert tail_col(c, "special_cause_type") == (
        ["Common Cause"] + ["7 Point Trend (Increasing)"] * 7 + ["Common Cause"]
    )


def test_seven_falling_points_flagged_decreasing():
    c = fixed_chart(RISE[::-1])
    assert set(tail_col(c, "special_cause_type")) == {"7 Point Trend (Decreasing)"}


def test_six_points_are_not_a_trend():
    c = fixed_chart([11.0] + RISE[1:] + [11.0])
    assert not any("Trend" in t for t in tail_col(c, "special_cause_type"))


def test_a_tie_breaks_the_trend():
    c = fixed_chart([8.0, 9.0, 10.0, 10.0, 11.0, 12.0, 13.0, 14.0])
    assert not any("Trend" in t for t in tail_col(c, "special_cause_type"))


def test_missing_value_breaks_the_trend_without_error():
    c = fixed_chart([8.0, 9.0, 10.0, None, 11.0, 12.0, 13.0, 14.0, 14.5])
    types = tail_col(c, "special_cause_type")
    assert not any("Trend" in t for t in types)
    assert types[3] == "Common Cause"


def test_peak_shared_by_two_trends_takes_the_step_to_the_next_point():
    # rising 8..14 then falling 14..8: 14 belongs to both; the next point is in a trend and
    # the step to it falls, so the peak is Decreasing.
    c = fixed_chart(RISE + RISE[::-1][1:])
    types = tail_col(c, "special_cause_type")
    assert types[:6] == ["7 Point Trend (Increasing)"] * 6
    assert types[6:] == ["7 Point Trend (Decreasing)"] * 7


def test_last_point_of_a_trend_uses_the_step_from_the_previous_point():
    c = fixed_chart(RISE + [11.0])
    assert tail_col(c, "special_cause_type")[6] == "7 Point Trend (Increasing)"


def test_trend_does_not_cross_a_rebase_boundary():
    ys = [10.0, 12.0] * 7 + [8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 10.0, 12.0]
    df = series(ys)
    # boundary after the third rising point: 3 + 4 points, neither side has 7
    c = xmr(df, rebase=[dates(len(ys))[17]])
    assert not any("Trend" in t for t in c["special_cause_type"])
    assert any("Trend" in t for t in xmr(df)["special_cause_type"])
