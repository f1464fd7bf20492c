"""Combine the rules into `special_cause_type`, `special_cause_flag` and `point_type`."""

import polars as pl

COMMON = "Common Cause"


def _sense() -> pl.Expr:
    """+1 for an Above/Increasing type, -1 for Below/Decreasing, 0 for common cause.

    Built from the rule columns with the same precedence as the type label, which avoids
    string matching on millions of rows.
    """
    up = pl.col("relative_to_mean").fill_null(0) > 0
    return (
        pl.when(pl.col("outside_limits").fill_null(False))
        # R tests relative_to_mean == 1 here; a point outside the limits is never on the mean.
        .then(pl.when(pl.col("relative_to_mean") == 1).then(1).otherwise(-1))
        .when(pl.col("trend"))
        .then(pl.when(pl.col("trend_direction") == "Increasing").then(1).otherwise(-1))
        .when(pl.col("two_in_three") | pl.col("shift"))
        .then(pl.when(up).then(1).otherwise(-1))
        .otherwise(0)
        .cast(pl.Int8)
    )


def special_cause_type(frame: pl.DataFrame) -> pl.DataFrame:
    """Add the type by precedence: limits, trend, 2 in 3, shift, else Common Cause."""
    frame = frame.with_columns(_sense().alias("__sense"))
    up = pl.col("__sense") > 0
    kind = (
        pl.when(pl.col("outside_limits").fill_null(False))
        .then(pl.when(up).then(pl.lit("Above UCL")).otherwise(pl.lit("Below LCL")))
        .when(pl.col("trend"))
        .then(
            pl.when(up)
            .then(pl.lit("7 Point Trend (Increasing)"))
            .otherwise(pl.lit("7 Point Trend (Decreasing)"))
        )
        .when(pl.col("two_in_three"))
        .then(pl.when(up).then(pl.lit("2 in 3 Above CL")).otherwise(pl.lit("2 in 3 Below CL")))
        .when(pl.col("shift"))
        .then(
            pl.when(up).then(pl.lit("7 Points Above CL")).otherwise(pl.lit("7 Points Below CL"))
        )
        .otherwise(pl.lit(COMMON))
    )
    return frame.with_columns(
        kind.alias("special_cause_type"), (pl.col("__sense") != 0).alias("special_cause_flag")
    )


def point_type(frame: pl.DataFrame, direction: int) -> pl.DataFrame:
    """Add `point_type`: the type's sense times the improvement direction (0 = neutral)."""
    sense = pl.col("__sense")
    if direction == 0:
        high, low = "special_cause_neutral_high", "special_cause_neutral_low"
    else:
        sense = sense * direction
        high, low = "special_cause_improvement", "special_cause_concern"
    kind = (
        pl.when(sense > 0)
        .then(pl.lit(high))
        .when(sense < 0)
        .then(pl.lit(low))
        .otherwise(pl.lit("common_cause"))
    )
    return frame.with_columns(kind.alias("point_type")).drop("__sense")
