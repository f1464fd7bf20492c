"""Rule: 2 of 3 consecutive points close to the limits, all 3 strictly on one side of the mean.

Only the close points of a qualifying window are flagged. A missing value, a point on the mean,
or NaN limits (close_to_limits null) stop a window qualifying.
"""

import polars as pl

from .._groups import POS, any_end_ahead, window_count

WIDTH = 3


def two_in_three(frame: pl.DataFrame) -> pl.DataFrame:
    """Add `two_in_three` (bool); needs relative_to_mean and close_to_limits."""
    rtm = pl.col("relative_to_mean")
    same_side = (window_count(rtm == 1, WIDTH) == WIDTH) | (window_count(rtm == -1, WIDTH) == WIDTH)
    ends = (
        (pl.col(POS) >= WIDTH - 1)
        & same_side
        & (window_count(pl.col("close_to_limits"), WIDTH) >= 2)
    )
    flagged = pl.col("close_to_limits").fill_null(False) & any_end_ahead(ends, WIDTH)
    return frame.with_columns(flagged.alias("two_in_three"))
