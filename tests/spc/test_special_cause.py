import pytest

from .conftest import fixed_chart, tail_col

RISE = [8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 17.0]


def test_outside_beats_trend():
    c = fixed_chart(RISE)
    types = tail_col(c, "special_cause_type")
    assert types[-1] == "Above UCL" and types[0] == "7 Point Trend (Increasing)"


def test_trend_beats_two_in_three_and_shift():
    # rising, all above the mean, last two close: trend wins on every point
    c = fixed_chart([11.5, 12.0, 12.5, 13.0, 13.5, 14.8, 15.0])
    assert set(tail_col(c, "special_cause_type")) == {"7 Point Trend (Increasing)"}


def test_two_in_three_beats_shift():
    c = fixed_chart([12.0, 12.5, 12.0, 15.0, 12.0, 15.0, 12.0])
    assert tail_col(c, "special_cause_type") == [
        "7 Points Above CL", "7 Points Above CL", "7 Points Above CL", "2 in 3 Above CL",
        "7 Points Above CL", "2 in 3 Above CL", "7 Points Above CL",
    ]
    assert all(tail_col(c, "special_cause_flag"))


@pytest.mark.parametrize("direction,high,low", [
    ("increase", "special_cause_improvement", "special_cause_concern"),
    ("decrease", "special_cause_concern", "special_cause_improvement"),
    ("neutral", "special_cause_neutral_high", "special_cause_neutral_low"),
])
def test_point_type_by_direction(direction, high, low):
    fall = [14.0, 13.0, 12.0, 11.0, 10.0, 9.0, 8.0]
    c = fixed_chart([17.0, 11.0, 5.0] + fall, improvement_direction=direction)
    pts = tail_col(c, "point_type")
    assert pts[:3] == [high, "common_cause", low]
    assert pts[3:] == [low] * 7  # a decreasing trend scores like a low point
    assert c["improvement_direction"][0] == direction
