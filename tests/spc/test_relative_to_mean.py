import polars as pl

from .conftest import fixed_chart, tail_col


def test_sign_of_difference_from_mean():
    c = fixed_chart([12.0, 11.0, 9.0, None])
    assert tail_col(c, "relative_to_mean") == [1, 0, -1, None]
    assert c.schema["relative_to_mean"] == pl.Int8
