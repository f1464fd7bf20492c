import polars as pl
import pytest

from dagster_project.spc import xmr, xmr_icons

from .conftest import series


def test_output_columns_in_spec_order():
    assert xmr(series([1.0, 2.0, 3.0])).columns == [
        "facet", "date", "value", "trajectory", "rebase_group", "short_group_warning",
        "fix_value", "mean", "lpl", "upl", "outside_limits", "relative_to_mean",
        "close_to_limits", "special_cause_type", "special_cause_flag", "point_type", "target",
        "improvement_direction", "target_given",
    ]


def test_unfaceted_facet_is_no_facet_and_rows_sorted_by_date():
    df = series([1.0, 2.0, 3.0, 4.0]).reverse()
    c = xmr(df)
    assert c["facet"].unique().to_list() == ["no facet"]
    assert c["date"].is_sorted() and c["value"].to_list() == [1.0, 2.0, 3.0, 4.0]


def test_trajectory_passthrough_and_target_given():
    df = series([1.0, 2.0, 3.0]).with_columns(pl.Series("t", [5.0, 6.0, 7.0]))
    c = xmr(df, trajectory="t", target=2)
    assert c["trajectory"].to_list() == [5.0, 6.0, 7.0]
    assert c["target"].to_list() == [2.0] * 3 and c["target_given"].all()
    assert not xmr(df)["target_given"].any()


def test_integer_values_accepted():
    df = series([1, 2, 3]).with_columns(pl.col("y").cast(pl.Int64))
    assert xmr(df)["value"].dtype == pl.Float64


@pytest.mark.parametrize("kwargs,message", [
    (dict(fix_after_n_points=5), "at least 12"),
    (dict(improvement_direction="up"), "improvement_direction"),
    (dict(value="nope"), "not a column"),
    (dict(target="high"), "target"),
])
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        xmr(series([1.0, 2.0]), **kwargs)


def test_no_rows():
    with pytest.raises(ValueError, match="no rows"):
        xmr(series([1.0]).clear())


def test_duplicate_date_within_facet():
    df = series([1.0, 2.0])
    df = pl.concat([df, df.head(1)])
    with pytest.raises(ValueError, match="duplicate date"):
        xmr(df)
    # the same date in different facets is fine
    two = pl.concat([series([1.0, 2.0], facet="a"), series([1.0, 2.0], facet="b")])
    assert xmr(two, facet="f").height == 4


def test_non_date_date_column():
    df = series([1.0, 2.0]).with_columns(pl.col("x").cast(pl.String))
    with pytest.raises(ValueError, match="Date or Datetime"):
        xmr(df)


def test_non_numeric_value_column():
    df = series([1.0, 2.0]).with_columns(pl.col("y").cast(pl.String))
    with pytest.raises(ValueError, match="numeric"):
        xmr(df)


def test_summary_needs_an_xmr_chart():
    with pytest.raises(ValueError, match="missing columns"):
        xmr_icons(series([1.0]))
