"""Rule: a point strictly above the upper or below the lower process limit."""

import polars as pl

from ._common import limits_known


def outside_limits(frame: pl.DataFrame) -> pl.DataFrame:
    """Add `outside_limits` (null when the value is missing or the limits are NaN)."""
    out = (pl.col("value") > pl.col("upl")) | (pl.col("value") < pl.col("lpl"))
    return frame.with_columns(pl.when(limits_known()).then(out).alias("outside_limits"))
