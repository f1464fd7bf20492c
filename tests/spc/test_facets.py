"""Facets of several columns: carried as a struct of the key columns, never joined into a
string, so a code containing any separator survives (dagster_project/spc/_facets.py)."""

import polars as pl
import pytest

from dagster_project.spc import attribute_chart, xmr, xmr_icons, xmr_summary

from .conftest import dates

YS = [10.0, 12.0] * 8 + [20.0, 22.0] * 8


def keyed(level, unit, values):
    n = len(values)
    return pl.DataFrame({"level": [level] * n, "unit": [unit] * n, "x": dates(n), "y": values})


def test_xmr_by_several_columns_matches_one_column_and_keeps_codes_whole():
    df = pl.concat([keyed("csu", "A|B", YS), keyed("csu", "A", YS[::-1]),
                    keyed("organisation", "A", YS)])
    chart = xmr(df, facet=["level", "unit"], rebase={("csu", "A|B"): [dates(32)[16]]},
                target={("organisation", "A"): 15.0})
    assert chart.schema["facet"] == pl.Struct({"level": pl.String, "unit": pl.String})
    keys = chart.unnest("facet").select("level", "unit").unique().sort("level", "unit").rows()
    assert keys == [("csu", "A"), ("csu", "A|B"), ("organisation", "A")]
    # the same numbers as charting each series alone
    for level, unit, rebase in (("csu", "A|B", [dates(32)[16]]), ("csu", "A", None)):
        alone = xmr(df.filter((pl.col("level") == level) & (pl.col("unit") == unit)), rebase=rebase)
        got = chart.unnest("facet").filter((pl.col("level") == level) & (pl.col("unit") == unit))
        assert got.select(alone.columns[1:]).drop("target_given").equals(
            alone.select(alone.columns[1:]).drop("target_given"))
    assert xmr_summary(chart).height == 4  # A|B has two rebase groups
    icons = xmr_icons(chart).unnest("facet")
    assert icons.filter(pl.col("unit") == "A")["assurance_icon"].to_list().count(None) == 0


def test_unknown_key_in_a_mapping_is_an_error():
    df = keyed("csu", "A", YS)
    with pytest.raises(ValueError, match="not in the data"):
        xmr(df, facet=["level", "unit"], rebase={("csu", "B"): [dates(1)[0]]})
    with pytest.raises(ValueError, match="not in the data"):
        attribute_chart(df, "c", "y", "x", facet=["level", "unit"],
                        rebase={("csu", "A", "extra"): [dates(1)[0]]})
    with pytest.raises(ValueError, match="facet columns"):
        xmr(df, facet=["level", "nope"])


def test_attribute_chart_by_several_columns():
    df = pl.concat([keyed("csu", "A|B", YS), keyed("csu", "A", YS[::-1])])
    chart = attribute_chart(df, "c", "y", "x", facet=["level", "unit"]).unnest("facet")
    alone = attribute_chart(df.filter(pl.col("unit") == "A|B"), "c", "y", "x")
    got = chart.filter(pl.col("unit") == "A|B")
    assert got.select(alone.columns[1:]).equals(alone.select(alone.columns[1:]))
