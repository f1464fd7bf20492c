"""attribute_chart against hand calculations of the qicharts2 formulas."""

import math
import statistics

import polars as pl
import pytest

from dagster_project.spc import attribute_chart

from .conftest import dates, series

DOC = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]
COUNTS = [3, 5, 2, 8, 4, 6, 3, 7, 5, 4, 20, 6]
DENOMS = [50, 60, 40, 80, 55, 70, 45, 75, 65, 50, 90, 60]


def counts_frame():
    return pl.DataFrame({"x": dates(len(COUNTS)), "y": COUNTS, "n": DENOMS})


def screened_amr(mr):
    amr = sum(mr) / len(mr)
    kept = [m for m in mr if m < 3.267 * amr]
    return sum(kept) / len(kept)


def test_columns():
    c = attribute_chart(series(DOC), "i", "y", "x")
    assert c.columns == ["facet", "date", "value", "denominator", "cl", "lcl", "ucl", "lcl_95",
                         "ucl_95", "part", "baseline", "sigma_signal", "runs_signal",
                         "longest_run", "longest_run_max", "n_crossings", "n_crossings_min"]


def test_i_chart():
    c = attribute_chart(series(DOC), "i", "y", "x")
    mean = sum(DOC) / len(DOC)
    sd = screened_amr([abs(b - a) for a, b in zip(DOC, DOC[1:])]) / 1.128
    r = c.row(0, named=True)
    assert r["cl"] == pytest.approx(mean, rel=1e-12)
    assert r["ucl"] == pytest.approx(mean + 3 * sd, rel=1e-12)
    assert r["lcl_95"] == pytest.approx(mean - 2 * sd, rel=1e-12)
    assert c["sigma_signal"].to_list() == [v == 10 for v in DOC]


def test_mr_chart():
    c = attribute_chart(series(DOC), "mr", "y", "x")
    mr = [abs(b - a) for a, b in zip(DOC, DOC[1:])]
    assert c["value"].to_list() == [None] + [float(m) for m in mr]
    cl = sum(mr) / len(mr)
    r = c.row(0, named=True)
    assert r["cl"] == pytest.approx(cl) and r["ucl"] == pytest.approx(3.267 * cl)
    assert r["ucl_95"] == pytest.approx(3.267 / 3 * 2 * cl) and r["lcl"] == 0.0
    assert not c["runs_signal"].any() and c["longest_run"][0] is not None


def test_p_chart_and_multiply():
    c = attribute_chart(counts_frame(), "p", "y", "x", denominator="n", multiply=100)
    cl = sum(COUNTS) / sum(DENOMS)
    for r, y, n in zip(c.iter_rows(named=True), COUNTS, DENOMS):
        sd = math.sqrt(cl * (1 - cl) / n)
        assert r["value"] == pytest.approx(100 * y / n)
        assert r["cl"] == pytest.approx(100 * cl)
        assert r["ucl"] == pytest.approx(100 * min(1, cl + 3 * sd))
        assert r["lcl"] == pytest.approx(100 * max(0, cl - 3 * sd))
        assert r["denominator"] == n
    assert c["sigma_signal"].to_list()[10] is True


def test_laney_p_prime():
    c = attribute_chart(counts_frame(), "pp", "y", "x", denominator="n")
    cl = sum(COUNTS) / sum(DENOMS)
    sds = [math.sqrt(cl * (1 - cl) / n) for n in DENOMS]
    z = [(y / n - cl) / s for y, n, s in zip(COUNTS, DENOMS, sds)]
    sigma_z = screened_amr([abs(b - a) for a, b in zip(z, z[1:])]) / 1.128
    for r, s in zip(c.iter_rows(named=True), sds):
        assert r["ucl"] == pytest.approx(min(1, cl + 3 * s * sigma_z), rel=1e-9)


def test_u_and_laney_u_prime():
    u = attribute_chart(counts_frame(), "u", "y", "x", denominator="n")
    cl = sum(COUNTS) / sum(DENOMS)
    assert u["ucl"].to_list() == pytest.approx([cl + 3 * math.sqrt(cl / n) for n in DENOMS])
    up = attribute_chart(counts_frame(), "up", "y", "x", denominator="n")
    sds = [math.sqrt(cl / n) for n in DENOMS]
    z = [(y / n - cl) / s for y, n, s in zip(COUNTS, DENOMS, sds)]
    sigma_z = screened_amr([abs(b - a) for a, b in zip(z, z[1:])]) / 1.128
    assert up["ucl"].to_list() == pytest.approx([cl + 3 * s * sigma_z for s in sds])


def test_c_chart():
    c = attribute_chart(counts_frame(), "c", "y", "x")
    cl = sum(COUNTS) / len(COUNTS)
    r = c.row(0, named=True)
    assert r["cl"] == pytest.approx(cl) and r["ucl"] == pytest.approx(cl + 3 * math.sqrt(cl))
    assert r["lcl"] == pytest.approx(max(0, cl - 3 * math.sqrt(cl)))


def test_g_chart_centre_line_is_median():
    c = attribute_chart(counts_frame(), "g", "y", "x")
    m = sum(COUNTS) / len(COUNTS)
    r = c.row(0, named=True)
    assert r["cl"] == statistics.median(COUNTS)
    assert r["ucl"] == pytest.approx(m + 3 * math.sqrt(m * (m + 1)))
    assert r["lcl"] == 0.0 and r["lcl_95"] == 0.0


def test_t_chart_back_transforms_an_i_chart():
    c = attribute_chart(counts_frame(), "t", "y", "x")
    yt = [y ** (1 / 3.6) for y in COUNTS]
    mean = sum(yt) / len(yt)
    sd = screened_amr([abs(b - a) for a, b in zip(yt, yt[1:])]) / 1.128
    r = c.row(0, named=True)
    assert r["cl"] == pytest.approx(mean**3.6) and r["ucl"] == pytest.approx((mean + 3 * sd) ** 3.6)
    with pytest.raises(ValueError, match="greater than zero"):
        attribute_chart(series([1.0, 0.0, 2.0]), "t", "y", "x")


def test_freeze_fixes_the_baseline():
    ys = [1, 2] * 6 + [10] * 6
    c = attribute_chart(series(ys), "i", "y", "x", freeze=12)
    assert c["cl"][0] == 1.5 and c["ucl"][0] == pytest.approx(1.5 + 3 / 1.128)
    assert c["baseline"].to_list() == [True] * 12 + [False] * 6
    assert c["longest_run"][0] == 7  # run rules use every point against the frozen line


def test_parts_recalculate_and_ignore_freeze():
    ys = [1, 2] * 6 + [10, 11] * 6
    c = attribute_chart(series(ys), "i", "y", "x", parts=[12], freeze=3)
    assert c["part"].to_list() == [1] * 12 + [2] * 12
    assert c["cl"].unique().sort().to_list() == [1.5, 10.5]
    assert c["baseline"].all()


def test_facets_and_aggregation_of_duplicate_dates():
    a = counts_frame().with_columns(pl.lit("a").alias("f"))
    b = counts_frame().with_columns(pl.lit("b").alias("f"), pl.col("y") * 2)
    both = pl.concat([a, b, a.head(1).with_columns(pl.lit(7, dtype=pl.Int64).alias("y"))])
    c = attribute_chart(both, "p", "y", "x", denominator="n", facet="f")
    assert c.height == 24
    first = c.filter(pl.col("facet") == "a").row(0, named=True)
    assert first["value"] == pytest.approx((3 + 7) / 100) and first["denominator"] == 100


def test_missing_points_and_non_finite_limits():
    df = counts_frame().with_columns(pl.when(pl.int_range(pl.len()) == 3).then(None)
                                     .otherwise(pl.col("y")).alias("y"))
    c = attribute_chart(df, "p", "y", "x", denominator="n")
    r = c.row(3, named=True)
    assert r["value"] is None and r["ucl"] is None and r["sigma_signal"] is False
    one = attribute_chart(series([4.0]), "i", "y", "x")
    assert one["ucl"][0] is None and one["lcl"][0] is None


def test_errors():
    with pytest.raises(ValueError, match="chart must be"):
        attribute_chart(series(DOC), "xbar", "y", "x")
    with pytest.raises(ValueError, match="denominator"):
        attribute_chart(series(DOC), "p", "y", "x")


def test_rebase_dates_split_the_chart_into_parts_like_parts():
    ys = [3, 5, 2, 8, 4, 6, 3, 7, 5, 4, 6, 6, 15, 17, 14, 18, 16, 15, 17, 16, 14, 18]
    df = pl.DataFrame({"x": dates(len(ys)), "y": ys, "f": ["a"] * len(ys)})
    by_parts = attribute_chart(df, "c", "y", "x", parts=[12])
    by_date = attribute_chart(df, "c", "y", "x", rebase=[dates(len(ys))[12]], freeze=5)
    assert by_date.equals(by_parts)  # and, like parts, a rebase overrides freeze
    assert by_date["part"].to_list() == [1] * 12 + [2] * 10
    assert by_date["cl"].unique().sort().to_list() == [sum(ys[:12]) / 12, sum(ys[12:]) / 10]
    # per facet: only the named facet is split
    two = pl.concat([df, df.with_columns(f=pl.lit("b"))])
    chart = attribute_chart(two, "c", "y", "x", facet="f", rebase={"a": [dates(len(ys))[12]]})
    assert chart.group_by("facet").agg(pl.col("part").max()).sort("facet").rows() == [
        ("a", 2), ("b", 1)]
    with pytest.raises(ValueError, match="not in the data"):
        attribute_chart(two, "c", "y", "x", facet="f", rebase={"z": [dates(1)[0]]})
