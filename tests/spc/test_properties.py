"""Hypothesis properties of xmr over many facets in one call."""

import math

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dagster_project.spc import xmr

from .conftest import dates

# Integers on a coarse grid keep the transformations exact, so labels must be identical.
point = st.one_of(st.integers(-50, 50).map(float), st.none())
one_series = st.lists(point, min_size=1, max_size=30)
many = st.lists(one_series, min_size=1, max_size=5)
LABELS = ["rebase_group", "short_group_warning", "outside_limits", "relative_to_mean",
          "close_to_limits", "special_cause_type", "special_cause_flag"]
SETTINGS = settings(max_examples=40, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])


def frame(groups):
    rows = []
    for i, g in enumerate(groups):
        rows += [{"f": f"s{i}", "x": d, "y": y} for d, y in zip(dates(len(g)), g)]
    return pl.DataFrame(rows, schema={"f": pl.String, "x": pl.Date, "y": pl.Float64})


def nums_close(a, b, scale=1.0, shift=0.0):
    for x, y in zip(a, b):
        if x is None or (isinstance(x, float) and math.isnan(x)):
            assert y is None or math.isnan(y)
        else:
            assert math.isclose(x * scale + shift, y, rel_tol=1e-9, abs_tol=1e-9)


@SETTINGS
@given(many, st.integers(-1000, 1000))
def test_shift_by_constant(groups, k):
    df = frame(groups)
    a = xmr(df, facet="f")
    b = xmr(df.with_columns(pl.col("y") + k), facet="f")
    assert a.select(LABELS).equals(b.select(LABELS))
    for c in ["mean", "lpl", "upl"]:
        nums_close(a[c].to_list(), b[c].to_list(), shift=k)


@SETTINGS
@given(many, st.sampled_from([0.5, 2.0, 4.0, 1024.0]))
def test_scale_by_positive_constant(groups, k):
    df = frame(groups)
    a = xmr(df, facet="f")
    b = xmr(df.with_columns(pl.col("y") * k), facet="f")
    assert a.select(LABELS).equals(b.select(LABELS))
    for c in ["mean", "lpl", "upl"]:
        nums_close(a[c].to_list(), b[c].to_list(), scale=k)


SWAP = {"special_cause_improvement": "special_cause_concern",
        "special_cause_concern": "special_cause_improvement", "common_cause": "common_cause"}


@SETTINGS
@given(many)
def test_reversing_direction_swaps_improvement_and_concern(groups):
    df = frame(groups)
    up = xmr(df, facet="f", improvement_direction="increase")["point_type"].to_list()
    down = xmr(df, facet="f", improvement_direction="decrease")["point_type"].to_list()
    assert [SWAP[p] for p in up] == down


@SETTINGS
@given(many, st.randoms(use_true_random=False))
def test_row_order_does_not_matter(groups, rnd):
    df = frame(groups)
    idx = list(range(df.height))
    rnd.shuffle(idx)
    assert xmr(df, facet="f").equals(xmr(df[idx], facet="f"))


@SETTINGS
@given(many)
def test_faceted_call_equals_separate_calls(groups):
    df = frame(groups)
    together = xmr(df, facet="f")
    for i in range(len(groups)):
        alone = xmr(df.filter(pl.col("f") == f"s{i}"), facet="f")
        assert together.filter(pl.col("facet") == f"s{i}").equals(alone)


@SETTINGS
@given(many)
def test_matches_reference_with_missing_values(groups):
    from . import _ptd_reference as ref

    c = xmr(frame(groups), facet="f")
    for i, g in enumerate(groups):
        got = c.filter(pl.col("facet") == f"s{i}")
        want = ref.ptd(g)
        assert got["special_cause_type"].to_list() == [w["special_cause_type"] for w in want]
        assert got["relative_to_mean"].to_list() == [w["relative_to_mean"] for w in want]
        nums_close(got["upl"].to_list(), [w["upl"] for w in want])
