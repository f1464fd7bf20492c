import math

import polars as pl
import pytest

from dagster_project.spc import xmr, xmr_icons, xmr_summary

from .conftest import dates, fixed_chart, series

YS = [10.0, 12.0] * 8  # mean 11, limits 5.68 .. 16.32


@pytest.mark.parametrize("direction,target,expected", [
    ("increase", 20.0, "consistent_fail"),
    ("decrease", 20.0, "consistent_pass"),
    ("increase", 2.0, "consistent_pass"),
    ("decrease", 2.0, "consistent_fail"),
    ("increase", 11.0, "inconsistent"),
    ("neutral", 20.0, None),
])
def test_assurance(direction, target, expected):
    c = xmr(series(YS), improvement_direction=direction, target=target)
    assert xmr_icons(c)["assurance_icon"][0] == expected
    assert xmr_summary(c)["assurance_type"][0] == expected


def test_target_exactly_on_a_limit_is_inconsistent():
    c = xmr(series(YS))
    upl = c["upl"][0]
    assert xmr_icons(xmr(series(YS), target=upl))["assurance_icon"][0] == "inconsistent"


def test_no_target_gives_null_and_nan_limits_inconsistent():
    assert xmr_icons(xmr(series(YS)))["assurance_icon"][0] is None
    const = xmr(series([3.0] * 15), target=100.0)
    assert math.isnan(const["upl"][0])
    assert xmr_icons(const)["assurance_icon"][0] == "inconsistent"


def test_target_mapping_and_missing_facet():
    df = pl.concat([series(YS, facet="a"), series(YS, facet="b")])
    c = xmr(df, facet="f", target={"a": 20.0})
    icons = dict(xmr_icons(c).select("facet", "assurance_icon").iter_rows())
    assert icons == {"a": "consistent_fail", "b": "inconsistent"}
    assert c.filter(pl.col("facet") == "b")["target"].null_count() == len(YS)
    with pytest.raises(ValueError, match="not in the data"):
        xmr(df, facet="f", target={"c": 1.0})


def test_assurance_only_on_latest_rebase_group():
    ys = YS + [30.0, 32.0] * 8
    c = xmr(series(ys), rebase=[dates(len(ys))[16]], target=20.0)
    s = xmr_summary(c)
    assert s["assurance_type"].to_list() == [None, "consistent_pass"]
    assert s["n"].to_list() == [16, 16]
    assert xmr_icons(c)["assurance_icon"][0] == "consistent_pass"


@pytest.mark.parametrize("direction,tail,icon", [
    ("increase", [17.0], "improvement_high"),
    ("increase", [5.0], "concern_low"),
    ("decrease", [17.0], "concern_high"),
    ("decrease", [5.0], "improvement_low"),
    ("neutral", [17.0], "neutral_high"),
    ("neutral", [5.0], "neutral_low"),
    ("increase", [11.0], "common_cause"),
])
def test_variation_icon_from_latest_point(direction, tail, icon):
    c = fixed_chart(tail, improvement_direction=direction)
    assert xmr_icons(c)["variation_icon"].to_list() == [icon]


def test_summary_counts():
    c = fixed_chart([17.0, 5.0, 11.0])
    s = xmr_summary(c)
    assert s.columns == ["facet", "rebase_group", "mean", "lpl", "upl", "n", "common_cause",
                         "special_cause_improvement", "special_cause_concern", "variation_type",
                         "assurance_type"]
    row = s.row(0, named=True)
    assert (row["n"], row["common_cause"], row["special_cause_improvement"],
            row["special_cause_concern"]) == (15, 13, 1, 1)
    assert row["variation_type"] == "common_cause" and row["mean"] == 11.0


def test_icons_one_row_per_facet():
    df = pl.concat([series(YS + [17.0], facet="b"), series(YS + [5.0], facet="a")])
    icons = xmr_icons(xmr(df, facet="f", fix_after_n_points=16))
    assert icons.rows() == [("a", "concern_low", None), ("b", "improvement_high", None)]
