import math

import polars as pl
import pytest

from dagster_project.spc import attribute_chart
from dagster_project.spc.runs import qbinom_05

from .conftest import series


def brute_qbinom(m):
    cdf = 0.0
    for k in range(m + 1):
        cdf += math.comb(m, k) / 2**m
        if cdf >= 0.05:
            return k
    return m


@pytest.mark.parametrize("m", [0, 1, 5, 9, 10, 17, 23, 35, 59, 99, 300])
def test_qbinom_matches_binomial_cdf(m):
    assert qbinom_05(m) == brute_qbinom(m)


def test_known_anhoej_table_values():
    # Anhoej & Olesen (2014): n useful = 10 -> min crossings 2, 20 -> 6, 24 -> 8 (qbinom(.05, n-1))
    assert [qbinom_05(n - 1) for n in (10, 20, 24)] == [2, 6, 8]


def test_run_statistics_skip_points_on_centre_line_and_missing():
    # median 5: values on it are ignored, the missing one too
    ys = [1, 2, 5, 3, None, 4, 9, 8, 5, 7, 6, 1, 2, 5]
    c = attribute_chart(series(ys), "run", "y", "x")
    row = c.row(0, named=True)
    assert row["cl"] == 5.0
    # useful sides: - - - - + + + + - -  -> runs 4,4,2
    assert (row["longest_run"], row["n_crossings"]) == (4, 2)
    assert row["longest_run_max"] == round(math.log2(10)) + 3
    assert row["n_crossings_min"] == qbinom_05(9)
    assert row["runs_signal"] is False


def test_long_run_is_a_signal():
    ys = [1, 2] * 6 + [10] * 9
    c = attribute_chart(series(ys), "run", "y", "x")
    assert c["runs_signal"].all() and c["longest_run"][0] == 9


def test_runs_per_part():
    ys = [1, 2] * 6 + [10] * 9
    c = attribute_chart(series(ys), "run", "y", "x", parts=[12])
    assert c.group_by("part").agg(pl.col("runs_signal").first()).sort("part")["runs_signal"].to_list() == [
        False, False]
