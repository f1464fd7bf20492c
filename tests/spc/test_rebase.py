import datetime as dt

import polars as pl
import pytest

from dagster_project.spc import xmr

from .conftest import dates, series

YS = [10.0, 12.0] * 8 + [20.0, 22.0] * 8


def test_rebase_group_counts_rebase_dates_at_or_before_row():
    d = dates(len(YS))
    c = xmr(series(YS), rebase=[d[16]])
    assert c["rebase_group"].to_list() == [0] * 16 + [1] * 16
    assert c["mean"].unique().sort().to_list() == [11.0, 21.0]


def test_rebase_on_first_date_starts_at_one_and_unknown_dates_do_nothing():
    d = dates(len(YS))
    c = xmr(series(YS), rebase=[d[0], dt.date(1999, 1, 1)])
    assert set(c["rebase_group"]) == {1}
    assert c.drop("rebase_group").equals(xmr(series(YS)).drop("rebase_group"))


def test_rebase_mapping_per_facet():
    df = pl.concat([series(YS, facet="a"), series(YS, facet="b")])
    d = dates(len(YS))
    c = xmr(df, facet="f", rebase={"a": [d[16]]})
    assert c.filter(pl.col("facet") == "a")["rebase_group"].max() == 1
    assert c.filter(pl.col("facet") == "b")["rebase_group"].max() == 0


def test_rebase_mapping_unknown_facet_is_an_error():
    df = series(YS, facet="a")
    with pytest.raises(ValueError, match="not in the data"):
        xmr(df, facet="f", rebase={"zz": [dates(1)[0]]})


def test_rebase_with_datetime_dates():
    df = series(YS).with_columns(pl.col("x").cast(pl.Datetime("us")))
    c = xmr(df, rebase=[dt.datetime(2021, 5, 1)])
    assert c["rebase_group"].to_list() == [0] * 16 + [1] * 16
