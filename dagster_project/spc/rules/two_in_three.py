"""Rule: 2 of 3 consecutive points close to the limits, all 3 strictly on one side of the mean.

Only the close points of a qualifying window are flagged. A missing value, a point on the mean,
or NaN limits (close_to_limits null) stop a window qualifying.
"""

import polars as pl

from .._groups import POS, any_end_ahead, window_counts

WIDTH = 3


def two_in_three(frame: pl.DataFrame) -> pl.DataFrame:
    """Add `two_in_three` (bool); needs relative_to_mean and close_to_limits."""
    rtm = pl.col("relative_to_mean")
    frame = window_counts(
        frame,
        {"__above": rtm == 1, "__below": rtm == -1, "__close": pl.col("close_to_limits")},
        WIDTH,
    )
    frame = frame.with_columns(
        (
            (pl.col(POS) >= WIDTH - 1)
            & ((pl.col("__above") == WIDTH) | (pl.col("__below") == WIDTH))
            & (pl.col("__close") >= 2)
        ).alias("__end")
    )
    frame = any_end_ahead(frame, "__end", WIDTH, "__in_window")
    return frame.with_columns(
        (pl.col("close_to_limits").fill_null(False) & pl.col("__in_window")).alias("two_in_three")
    ).drop("__above", "__below", "__close", "__end", "__in_window")
