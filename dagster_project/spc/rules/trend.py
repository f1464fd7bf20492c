"""Rule: 7 consecutive points with 6 strictly rising (or strictly falling) steps.

All 7 points are flagged; a tie or a missing value breaks the run. The label follows
NHSRplotthedots: if the next point is also part of a trend, the direction of the step to it,
otherwise the step from the previous point; a rising step is "Increasing", anything else
"Decreasing". (NHSRplotthedots 0.2.2 stops with an error when a trend window holds a missing
value; here the missing value simply breaks the run.)
"""

import polars as pl

from .._groups import LEFT, any_end_ahead, lag, lead, window_count

RUN = 7


def trend(frame: pl.DataFrame) -> pl.DataFrame:
    """Add `trend` (bool) and `trend_direction` ("Increasing"/"Decreasing" on trend points)."""
    # Step into each point; null at a group start or next to a missing value.
    step = (pl.col("value") - lag(pl.col("value"))).sign()
    frame = frame.with_columns(step.alias("__step"))
    # 6 rising steps end a window; the first step of a group is null, so no window crosses groups.
    ends = (window_count(pl.col("__step") == 1, RUN - 1) == RUN - 1) | (
        window_count(pl.col("__step") == -1, RUN - 1) == RUN - 1
    )
    frame = frame.with_columns(any_end_ahead(ends, RUN).alias("trend"))
    next_in_trend = (pl.col(LEFT) >= 1) & pl.col("trend").shift(-1).fill_null(False)
    direction = pl.when(next_in_trend).then(lead(pl.col("__step"))).otherwise(pl.col("__step"))
    label = pl.when(direction == 1).then(pl.lit("Increasing")).otherwise(pl.lit("Decreasing"))
    return frame.with_columns(
        pl.when(pl.col("trend")).then(label).alias("trend_direction")
    ).drop("__step")
