"""Rule input: which side of the mean a point lies on (1, -1, or 0 exactly on it)."""

import polars as pl


def relative_to_mean(frame: pl.DataFrame) -> pl.DataFrame:
    """Add `relative_to_mean` (Int8; null when the value is missing or the mean is NaN)."""
    known = pl.col("value").is_not_null() & pl.col("mean").is_not_nan()
    side = (pl.col("value") - pl.col("mean")).sign().cast(pl.Int8)
    return frame.with_columns(pl.when(known).then(side).alias("relative_to_mean"))
