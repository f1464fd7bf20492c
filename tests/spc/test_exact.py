"""The per-group mean is the correctly rounded mean (what R's long-double mean() gives)."""

import math
from fractions import Fraction

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from dagster_project.spc._exact import group_exact_sums, group_means

# Realistic dynamic range (about 2**60 within a group): the extraction is exact far beyond that,
# but, like R's long double, not for a 1e-38 next to a 1e12.
finite = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12).filter(
    lambda x: x == 0 or abs(x) >= 1e-6
)
values = st.lists(st.one_of(finite, st.none()), min_size=0, max_size=40)


def exact_mean(xs):
    xs = [x for x in xs if x is not None]
    return float(sum(map(Fraction, xs)) / len(xs)) if xs else math.nan


def frame(groups):
    gid, x = [], []
    for i, g in enumerate(groups):
        gid += [i] * len(g)
        x += g
    return pl.DataFrame({"g": gid, "x": x}, schema={"g": pl.Int64, "x": pl.Float64})


@settings(max_examples=150, deadline=None)
@given(st.lists(values.filter(len), min_size=1, max_size=6))
def test_group_means_correctly_rounded(groups):
    got = group_means(frame(groups), "g", {"m": pl.col("x")})["m"].to_list()
    for g, m in zip(groups, got):
        want = exact_mean(g)
        assert (math.isnan(m) and math.isnan(want)) or m == want, (g, m, want)


@settings(max_examples=150, deadline=None)
@given(st.lists(values.filter(len), min_size=1, max_size=6))
def test_group_sums_match_fsum(groups):
    got = group_exact_sums(frame(groups), "g", {"s": pl.col("x")})["s"].to_list()
    for g, s in zip(groups, got):
        assert s == math.fsum(x for x in g if x is not None)


def test_naive_sum_would_drift():
    # guards the test above against being vacuous: polars' own mean is off here
    xs = [0.1] * 10 + [1e8, -1e8]
    naive = pl.Series(xs).mean()
    exact = group_means(frame([xs]), "g", {"m": pl.col("x")})["m"][0]
    assert exact == exact_mean(xs) and naive != exact
