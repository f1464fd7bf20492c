"""Provisional periods in the SPC charts (README "The scorecard", issue 14).

A period whose value cannot be complete yet (`marts.fct_scorecard_monthly.is_provisional`:
incidents still to close, late reports still to come, a period the extract has not finished) is
held back from the engine, so it takes no part in limits or special-cause rules, and is then put
back on its chart with the limits of the chart's latest judged point carried across, no rule
judged (special_cause_type null, point_type `provisional`) and `is_provisional` true. It never reaches the
new-signals list; once it matures it is charted like any other point, and a special cause there
is new that night.
"""

from __future__ import annotations

import polars as pl

# a provisional period belongs to its measure's period chart, never to an event chart
from .attribute import EVENT_CHARTS

PROVISIONAL_POINT_TYPE = "provisional"
# What a provisional point takes from its chart's latest judged point.
CARRIED = ("chart_type", "mean", "lpl", "upl", "rebase_group", "short_group_warning",
           "improvement_direction")


def _flag() -> pl.Expr:
    return pl.col("is_provisional").fill_null(False)


def hold_back(scorecard: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(mature rows, provisional rows) of a scorecard frame with `is_provisional`."""
    return scorecard.filter(~_flag()), scorecard.filter(_flag())


def judged(points: pl.DataFrame) -> pl.DataFrame:
    """The points the rules judged: every point but the provisional ones."""
    return points.filter(~_flag()) if "is_provisional" in points.columns else points


def with_provisional(points: pl.DataFrame, provisional: pl.DataFrame,
                     keys: list[str]) -> pl.DataFrame:
    """`points` (judged) plus the provisional periods on their charts, marked.

    `provisional`: keys, period, value, target, provisional_reason. A provisional period of a
    series with no judged point has no chart to go on and is left out (as a series without a
    value is)."""
    marked = points.with_columns(is_provisional=pl.lit(False),
                                 provisional_reason=pl.lit(None, pl.String))
    if provisional.is_empty() or points.is_empty():
        return marked
    last = (
        points.filter(~pl.col("chart_type").is_in(EVENT_CHARTS))
        .sort(*keys, "period")
        .group_by(keys)
        .agg(pl.col(c).last() for c in CARRIED)
    )
    extra = (
        provisional.select(*keys, "period", "value", "target", "provisional_reason")
        .join(last, on=keys, how="inner")
        .with_columns(
            is_provisional=pl.lit(True),
            special_cause_type=pl.lit(None, pl.String),
            special_cause_flag=pl.lit(False),
            point_type=pl.lit(PROVISIONAL_POINT_TYPE),
        )
    )
    # columns a period point does not have (an event chart's) stay null
    return (
        pl.concat([marked, extra], how="diagonal_relaxed")
        .select(marked.columns)
        .cast(marked.schema)
        .sort(*keys, "chart_type", "period")
    )


def provisional_counts(points: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Per chart: how many provisional periods it shows and the first of them."""
    return (
        points.filter(_flag())
        .group_by(*keys, "chart_type")
        .agg(provisional_periods=pl.len().cast(pl.Int64),
             provisional_from=pl.col("period").min())
    )
