"""Split each judged series into its baseline and post points.

Null values (a zero denominator, no survey) are left out first, so "points" are periods with a
value, in date order. The intervention period is the period that contains the intervention
date (the first of its month, the Monday of its week); the baseline is the up to
`BASELINE_MAX` points before it, the post points run from it to the latest.
"""

from __future__ import annotations

import polars as pl

JID = "__jid"  # one judgement: an intervention on one series
BASELINE_MAX = 24
# The period that contains a date, per series frequency (weeks start on Monday in polars).
TRUNCATE = {"month": "1mo", "week": "1w", "quarter": "1q", "year": "1y"}


def intervention_period(date: pl.Expr, frequency: pl.Expr) -> pl.Expr:
    """The start of the period, of the series' frequency, that contains `date`."""
    out = pl.lit(None, dtype=pl.Date)
    for name, every in TRUNCATE.items():
        out = pl.when(frequency == name).then(date.dt.truncate(every)).otherwise(out)
    return out


def split_points(points: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(baseline, post) rows of `points` (JID, period, value, frequency, intervention_date),
    each sorted by JID then period, null values left out."""
    points = (
        points.filter(pl.col("value").is_not_null() & pl.col("value").is_not_nan())
        .with_columns(__start=intervention_period(pl.col("intervention_date"),
                                                  pl.col("frequency")))
        .sort(JID, "period")
    )
    before = points.filter(pl.col("period") < pl.col("__start"))
    # the latest BASELINE_MAX points before the intervention period
    back = pl.int_range(pl.len(), 0, -1).over(JID)
    baseline = before.filter(back <= BASELINE_MAX).drop("__start")
    post = points.filter(pl.col("period") >= pl.col("__start")).drop("__start")
    return baseline, post
