from dagster_project.spc import xmr

from .conftest import dates, fixed_chart, series, tail_col


def test_seven_points_above_mean():
    c = fixed_chart([12.0, 12.5] * 3 + [12.0, 10.0])
    assert tail_col(c, "special_cause_type") == ["7 Points Above CL"] * 7 + ["Common Cause"]


def test_seven_points_below_mean_and_longer_runs_all_flagged():
    c = fixed_chart([10.0, 9.5] * 5)
    assert set(tail_col(c, "special_cause_type")) == {"7 Points Below CL"}


def test_six_points_are_not_a_shift():
    # BASE ends above the mean, so start the tail below it
    c = fixed_chart([10.0] + [12.0, 12.5] * 3 + [10.0])
    assert set(tail_col(c, "special_cause_type")) == {"Common Cause"}


def test_a_point_on_the_mean_breaks_the_run():
    c = fixed_chart([12.0, 12.5, 12.0, 11.0, 12.0, 12.5, 12.0, 12.5])
    assert set(tail_col(c, "special_cause_type")) == {"Common Cause"}


def test_a_missing_value_breaks_the_run():
    c = fixed_chart([12.0, 12.5, 12.0, None, 12.0, 12.5, 12.0, 12.5])
    assert set(tail_col(c, "special_cause_type")) == {"Common Cause"}


def test_shift_does_not_cross_facets():
    a = series([10.0, 12.0] * 6 + [12.0, 12.5, 12.0], facet="a")
    b = series([12.0, 12.5, 12.0, 12.5] + [10.0, 12.0] * 6, facet="b")
    import polars as pl

    c = xmr(pl.concat([a, b]), facet="f", fix_after_n_points=12)
    assert "7 Points Above CL" not in c["special_cause_type"].to_list()


def test_rebase_restarts_runs():
    ys = [10.0, 12.0] * 7 + [12.0] * 4 + [12.0] * 4
    c = xmr(series(ys), fix_after_n_points=14)
    assert c["special_cause_type"][-1] == "7 Points Above CL"
    r = xmr(series(ys), rebase=[dates(len(ys))[18]])
    assert r["rebase_group"].to_list()[17:19] == [0, 1]
