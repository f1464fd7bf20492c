import pytest

from .conftest import fixed_chart, tail_col


def test_limits_of_the_fixed_base():
    c = fixed_chart([11.0])
    assert c["mean"][0] == 11.0
    assert c["lpl"][0] == pytest.approx(5.68) and c["upl"][0] == pytest.approx(16.32)


def test_points_beyond_limits_are_outside():
    c = fixed_chart([17.0, 11.0, 5.0, 16.0])
    assert tail_col(c, "outside_limits") == [True, False, True, False]
    assert tail_col(c, "special_cause_type")[:3] == ["Above UCL", "Common Cause", "Below LCL"]


def test_a_point_exactly_on_a_limit_is_not_outside():
    probe = fixed_chart([11.0])
    upl, lpl = probe["upl"][0], probe["lpl"][0]
    c = fixed_chart([upl, lpl])
    assert tail_col(c, "outside_limits") == [False, False]


def test_missing_value_gives_null():
    c = fixed_chart([None, 20.0])
    assert tail_col(c, "outside_limits") == [None, True]
    assert tail_col(c, "special_cause_type")[0] == "Common Cause"


def test_nan_limits_give_null_not_true():
    # polars would say 5 < NaN is true; a constant screened series has NaN limits
    from dagster_project.spc import xmr

    from .conftest import series

    c = xmr(series([5.0] * 14 + [9.0]), fix_after_n_points=14)
    assert c["outside_limits"].null_count() == 15
    assert c["special_cause_type"][-1] == "Common Cause"
