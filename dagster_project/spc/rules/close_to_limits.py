"""Rule input: a point inside the limits but strictly beyond a 2-sigma line."""

import polars as pl

from ._common import limits_known


def close_to_limits(frame: pl.DataFrame) -> pl.DataFrame:
    """Add `close_to_limits` (needs outside_limits, __nlpl, __nupl; null like outside_limits)."""
    close = ~pl.col("outside_limits") & (
        (pl.col("value") < pl.col("__nlpl")) | (pl.col("value") > pl.col("__nupl"))
    )
    return frame.with_columns(pl.when(limits_known()).then(close).alias("close_to_limits"))
