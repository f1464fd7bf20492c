import math

import polars as pl
import pytest

from dagster_project.spc import xmr

from .conftest import series

DOC = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]


def first(chart, col):
    return chart[col][0]


def test_documented_values_screened():
    c = xmr(series(DOC))
    assert first(c, "mean") == pytest.approx(35 / 18, rel=1e-12)
    assert round(first(c, "mean"), 2) == 1.94
    # screening drops the 8 and 9 moving ranges: amr = 1
    assert first(c, "lpl") == pytest.approx(35 / 18 - 2.66, rel=1e-12)
    assert first(c, "upl") == pytest.approx(35 / 18 + 2.66, rel=1e-12)
    assert round(first(c, "lpl"), 2) == -0.72 and round(first(c, "upl"), 1) == 4.6


def test_documented_values_unscreened():
    c = xmr(series(DOC), screen_outliers=False)
    amr = 32 / 17
    assert first(c, "lpl") == pytest.approx(35 / 18 - 2.66 * amr, rel=1e-12)
    assert first(c, "upl") == pytest.approx(35 / 18 + 2.66 * amr, rel=1e-12)
    assert round(first(c, "lpl"), 2) == -3.06 and round(first(c, "upl"), 2) == 6.95


def test_screening_drops_ranges_not_strictly_below_cutoff():
    # moving ranges 0,...,0 and one r: amr = r/n_mr, cut-off 3.267*amr; with n_mr = 3.267 ... use
    # a range exactly equal to the cut-off: ranges [a, a, b] with b = 3.267 * mean -> impossible
    # exactly, so check the strict inequality on a constructed case via the unscreened mean.
    ys = [0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 12]
    c = xmr(series(ys))
    mr = [abs(b - a) for a, b in zip(ys, ys[1:])]
    amr = sum(mr) / len(mr)
    kept = [m for m in mr if m < 3.267 * amr]
    assert len(kept) == len(mr) - 1
    assert first(c, "upl") == pytest.approx(c["mean"][0] + 2.66 * sum(kept) / len(kept), rel=1e-12)


def test_fix_after_n_points_counts_missing_rows():
    ys = [1.0, None] + [2.0, 1.0] * 6 + [50.0] * 10
    c = xmr(series(ys), fix_after_n_points=12)
    fixed = c["fix_value"].to_list()
    assert fixed[:12] == ys[:12] and all(v is None for v in fixed[12:])
    vals = [v for v in ys[:12] if v is not None]
    assert first(c, "mean") == pytest.approx(sum(vals) / len(vals), rel=1e-12)
    assert c["outside_limits"][-1] is True


def test_fix_after_n_points_at_least_12():
    with pytest.raises(ValueError, match="at least 12"):
        xmr(series(DOC), fix_after_n_points=11)


def test_single_row_group_has_nan_limits_and_warning():
    c = xmr(series([5.0]))
    assert first(c, "mean") == 5.0
    assert math.isnan(first(c, "lpl")) and math.isnan(first(c, "upl"))
    assert c["outside_limits"][0] is None and c["close_to_limits"][0] is None
    assert c["relative_to_mean"][0] == 0
    assert c["short_group_warning"][0] is True
    assert c["special_cause_type"][0] == "Common Cause"


def test_constant_series_nan_limits_when_screening_only():
    c = xmr(series([3.0] * 20))
    assert math.isnan(first(c, "upl"))
    assert c["outside_limits"].null_count() == 20
    u = xmr(series([3.0] * 20), screen_outliers=False)
    assert first(u, "upl") == 3.0 and first(u, "lpl") == 3.0
    assert not u["outside_limits"].any()


def test_short_group_warning_threshold_is_13_rows():
    assert xmr(series(DOC[:12]))["short_group_warning"].all()
    assert not xmr(series(DOC[:13]))["short_group_warning"].any()


def test_missing_values_ignored_by_mean_and_moving_ranges():
    ys = [1.0, 2.0, None, 4.0, 1.0, 2.0, 1.0, 2.0, 1.0, 2.0, 1.0, 2.0, 1.0, 2.0]
    c = xmr(series(ys))
    vals = [v for v in ys if v is not None]
    assert first(c, "mean") == pytest.approx(sum(vals) / len(vals), rel=1e-12)
    mr = [abs(b - a) for a, b in zip(ys, ys[1:]) if a is not None and b is not None]
    amr = sum(mr) / len(mr)
    kept = [m for m in mr if m < 3.267 * amr]
    assert first(c, "upl") == pytest.approx(first(c, "mean") + 2.66 * sum(kept) / len(kept), rel=1e-12)
    row = c.row(2, named=True)
    assert row["relative_to_mean"] is None and row["outside_limits"] is None


def test_nan_values_are_missing():
    a = xmr(series([1.0, 2.0, float("nan"), 2.0] * 4))
    b = xmr(series([1.0, 2.0, None, 2.0] * 4))
    assert a.equals(b)


def test_mean_on_a_data_point_is_exact():
    # a naive float sum gives 0.30000000000000004-style drift; the exact mean sits on 0.3
    ys = [0.1, 0.2, 0.3, 0.4, 0.5] * 3
    c = xmr(series(ys))
    assert first(c, "mean") == 0.3
    assert c.filter(pl.col("value") == 0.3)["relative_to_mean"].to_list() == [0, 0, 0]
