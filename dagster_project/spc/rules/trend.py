"""Rule: 7 consecutive points with 6 strictly rising (or strictly falling) steps.

All 7 points are flagged; a tie or a missing value breaks the run. The label follows
NHSRplotthedots: if the next point is also part of a trend, the direction of the step to it,
otherwise the step from the previous point; a rising step is "Increasing", anything else
"Decreasing". (NHSRplotthedots 0.2.2 stops with an error when a trend window holds a missing
value; here the missing value simply breaks the run.)
"""

import polars as pl

from .._groups import LEFT, any_end_ahead, lag, lead, window_counts

RUN = 7


def trend(frame: pl.DataFrame) -> pl.DataFrame:
    """Add `trend` (bool) and `trend_direction` (Int8 on trend points: 1 up, -1 down)."""
    # Step into each point; null at a group start or next to a missing value, so a window of
    # 6 equal steps never crosses a group boundary or a gap.
    frame = frame.with_columns((pl.col("value") - lag(pl.col("value"))).sign().alias("__step"))
    step = pl.col("__step")
    frame = window_counts(frame, {"__up": step == 1, "__down": step == -1}, RUN - 1)
    frame = frame.with_columns(
        ((pl.col("__up") == RUN - 1) | (pl.col("__down") == RUN - 1)).alias("__end")
    )
    frame = any_end_ahead(frame, "__end", RUN, "trend")
    next_in_trend = (pl.col(LEFT) >= 1) & pl.col("trend").shift(-1).fill_null(False)
    direction = pl.when(next_in_trend).then(lead(step)).otherwise(step)
    label = pl.when(direction == 1).then(1).otherwise(-1).cast(pl.Int8)
    return frame.with_columns(pl.when(pl.col("trend")).then(label).alias("trend_direction")).drop(
        "__step", "__up", "__down", "__end"
    )
