"""Real A&E four-hour performance, all trusts in one faceted call, against the naive reference."""

import math

import polars as pl
import pytest

from dagster_project.spc import xmr

from . import _ptd_reference as ref

NUM = ["mean", "lpl", "upl"]
LABELS = ["outside_limits", "relative_to_mean", "close_to_limits", "special_cause_type", "point_type",
          "short_group_warning"]


def _close(a, b):
    if a is None or b is None:
        return a is None and b is None
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def _check(chart, ys_by_facet, **kw):
    mismatches = []
    for facet, ys in ys_by_facet.items():
        got = chart.filter(pl.col("facet") == facet).to_dicts()
        want = ref.ptd(ys, **kw)
        assert len(got) == len(want)
        for g, w in zip(got, want):
            for c in NUM:
                if not _close(g[c], w[c]):
                    mismatches.append((facet, c, g[c], w[c]))
            for c in LABELS:
                if g[c] != w[c]:
                    mismatches.append((facet, c, g[c], w[c]))
    assert not mismatches, mismatches[:10]


def _by_facet(perf):
    return {k[0]: g["performance"].to_list() for k, g in perf.group_by("org_code", maintain_order=True)}


@pytest.mark.parametrize("direction,sign", [("increase", 1), ("decrease", -1), ("neutral", 0)])
def test_all_trusts_match_reference(ae_performance, direction, sign):
    chart = xmr(ae_performance, value="performance", date="period", facet="org_code",
                improvement_direction=direction)
    assert chart["facet"].n_unique() > 100
    _check(chart, _by_facet(ae_performance), direction=sign)
    # the real data do exercise the rules
    kinds = set(chart["special_cause_type"].unique())
    assert {"Above UCL", "Below LCL", "7 Points Above CL", "7 Points Below CL"} <= kinds
    assert any(k.startswith("7 Point Trend") for k in kinds)
    assert any(k.startswith("2 in 3") for k in kinds)


def test_unscreened_and_fixed_match_reference(ae_performance):
    chart = xmr(ae_performance, value="performance", date="period", facet="org_code",
                screen_outliers=False, fix_after_n_points=18)
    _check(chart, _by_facet(ae_performance), screen=False, fix=18)


def test_single_trusts_match_faceted_call(ae_performance):
    everything = xmr(ae_performance, value="performance", date="period", facet="org_code")
    orgs = ae_performance["org_code"].unique(maintain_order=True).to_list()
    for org in orgs[::50]:
        one = ae_performance.filter(pl.col("org_code") == org)
        alone = xmr(one, value="performance", date="period")
        part = everything.filter(pl.col("facet") == org)
        assert alone.drop("facet").equals(part.drop("facet")), org
