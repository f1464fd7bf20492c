"""Rule: 7 or more consecutive points on the same non-zero side of the mean; all flagged.

A point on the mean or a missing value breaks the run.
"""

import polars as pl

from .._groups import POS, any_end_ahead, window_counts

RUN = 7


def shift(frame: pl.DataFrame) -> pl.DataFrame:
    """Add `shift` (bool); needs relative_to_mean."""
    rtm = pl.col("relative_to_mean")
    frame = window_counts(frame, {"__above": rtm == 1, "__below": rtm == -1}, RUN)
    frame = frame.with_columns(
        (
            (pl.col(POS) >= RUN - 1)
            & ((pl.col("__above") == RUN) | (pl.col("__below") == RUN))
        ).alias("__end")
    )
    return any_end_ahead(frame, "__end", RUN, "shift").drop("__above", "__below", "__end")
