"""Rule: 7 or more consecutive points on the same non-zero side of the mean; all flagged.

A point on the mean or a missing value breaks the run.
"""

import polars as pl

from .._groups import POS, any_end_ahead, window_count

RUN = 7


def shift(frame: pl.DataFrame) -> pl.DataFrame:
    """Add `shift` (bool); needs relative_to_mean."""
    rtm = pl.col("relative_to_mean")
    in_group = pl.col(POS) >= RUN - 1
    ends = in_group & (
        (window_count(rtm == 1, RUN) == RUN) | (window_count(rtm == -1, RUN) == RUN)
    )
    return frame.with_columns(any_end_ahead(ends, RUN).alias("shift"))
