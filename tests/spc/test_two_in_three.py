from .conftest import fixed_chart, tail_col


def test_two_close_points_in_three_on_one_side():
    c = fixed_chart([15.0, 12.0, 15.0, 11.0])
    assert tail_col(c, "special_cause_type") == [
        "2 in 3 Above CL", "Common Cause", "2 in 3 Above CL", "Common Cause"
    ]


def test_below():
    c = fixed_chart([7.0, 7.0, 10.0, 11.0])
    assert tail_col(c, "special_cause_type") == [
        "2 in 3 Below CL", "2 in 3 Below CL", "Common Cause", "Common Cause"
    ]


def test_window_must_be_all_on_one_side():
    c = fixed_chart([15.0, 10.0, 15.0])
    assert set(tail_col(c, "special_cause_type")) == {"Common Cause"}


def test_one_close_point_per_window_is_not_enough():
    c = fixed_chart([15.0, 12.0, 12.0, 15.0])
    assert set(tail_col(c, "special_cause_type")) == {"Common Cause"}


def test_missing_value_breaks_the_window():
    c = fixed_chart([15.0, None, 15.0])
    assert set(tail_col(c, "special_cause_type")) == {"Common Cause"}


def test_close_points_on_opposite_sides_do_not_count():
    c = fixed_chart([15.0, 7.0, 15.0])
    assert set(tail_col(c, "special_cause_type")) == {"Common Cause"}
