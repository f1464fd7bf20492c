"""Combine the rules into `special_cause_type`, `special_cause_flag` and `point_type`."""

import polars as pl

# Codes index these labels; building strings by lookup is far cheaper than when/then chains of
# string literals on millions of rows.
TYPES = [
    "Common Cause",
    "Above UCL", "Below LCL",
    "7 Point Trend (Increasing)", "7 Point Trend (Decreasing)",
    "2 in 3 Above CL", "2 in 3 Below CL",
    "7 Points Above CL", "7 Points Below CL",
]


def special_cause_type(frame: pl.DataFrame) -> pl.DataFrame:
    """Add the type by precedence: limits, trend, 2 in 3, shift, else Common Cause."""
    up = pl.col("relative_to_mean").fill_null(0) > 0
    low = (~up).cast(pl.Int8)  # 0 for the Above/Increasing label, 1 for Below/Decreasing
    code = (
        pl.when(pl.col("outside_limits").fill_null(False))
        # R tests relative_to_mean == 1 here; a point outside the limits is never on the mean.
        .then(1 + (pl.col("relative_to_mean") != 1).cast(pl.Int8))
        .when(pl.col("trend"))
        .then(3 + (pl.col("trend_direction") != 1).cast(pl.Int8))
        .when(pl.col("two_in_three"))
        .then(5 + low)
        .when(pl.col("shift"))
        .then(7 + low)
        .otherwise(0)
        .cast(pl.Int8)
    )
    frame = frame.with_columns(code.alias("__code"))
    codes = frame.get_column("__code")
    # Odd codes are Above/Increasing (+1), even non-zero codes Below/Decreasing (-1).
    return frame.with_columns(
        pl.Series("special_cause_type", TYPES, dtype=pl.String).gather(codes),
        (pl.col("__code") != 0).alias("special_cause_flag"),
        pl.when(pl.col("__code") == 0).then(0).when(pl.col("__code") % 2 == 1).then(1).otherwise(-1)
        .cast(pl.Int8).alias("__sense"),
    ).drop("__code")


def point_type(frame: pl.DataFrame, direction: int) -> pl.DataFrame:
    """Add `point_type`: the type's sense (+1 Above/Increasing, -1 Below/Decreasing) times the
    improvement direction; with the neutral direction (0), high/low neutral types."""
    if direction == 0:
        labels = ["special_cause_neutral_low", "common_cause", "special_cause_neutral_high"]
        sense = pl.col("__sense")
    else:
        labels = ["special_cause_concern", "common_cause", "special_cause_improvement"]
        sense = pl.col("__sense") * direction
    idx = frame.select((sense + 1).cast(pl.UInt32)).to_series()
    return frame.with_columns(
        pl.Series("point_type", labels, dtype=pl.String).gather(idx)
    ).drop("__sense")
