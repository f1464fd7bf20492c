"""XmR process limits per facet x rebase group (NHSRplotthedots ``ptd_spc_standard``).

mean = correctly rounded mean of the fixed values; amr = mean moving range, screened once
(moving ranges not strictly below 3.267 x amr are dropped); limits = mean -/+ 2.66 x amr and the
2-sigma lines mean -/+ (2 x 2.66 / 3) x amr. No moving range left gives NaN limits.
"""

from __future__ import annotations

import polars as pl

from ._exact import group_means
from ._groups import GID, POS, broadcast, lag

LIMIT = 2.66
LIMIT_CLOSE = 2 * (LIMIT / 3)  # same operation order as R, so the same double
SCREEN = 3.267


def add_limits(
    frame: pl.DataFrame, fix_after_n_points: int | None = None, screen_outliers: bool = True
) -> pl.DataFrame:
    """Add fix_value, mean, lpl, upl and the 2-sigma lines nlpl, nupl (needs value, GID, POS)."""
    fix = pl.col("value")
    if fix_after_n_points is not None:
        # Counts rows, missing values included, as R's row_number() does.
        fix = pl.when(pl.col(POS) < fix_after_n_points).then(fix)
    frame = frame.with_columns(fix.alias("fix_value"))
    frame = frame.with_columns((pl.col("fix_value") - lag(pl.col("fix_value"))).abs().alias("__mr"))

    stats = group_means(frame, GID, {"mean": pl.col("fix_value"), "__amr": pl.col("__mr")})
    if screen_outliers:
        frame = broadcast(frame, stats, ["__amr"])
        # amr is NaN only when a group has no moving range, so nothing is kept wrongly by
        # polars treating `mr < NaN` as true (all its moving ranges are null).
        kept = pl.when(pl.col("__mr") < SCREEN * pl.col("__amr")).then(pl.col("__mr"))
        screened = group_means(frame, GID, {"__amr": kept})
        stats = stats.with_columns(screened.get_column("__amr"))
        frame = frame.drop("__amr")

    stats = stats.with_columns(
        (pl.col("mean") - LIMIT * pl.col("__amr")).alias("lpl"),
        (pl.col("mean") + LIMIT * pl.col("__amr")).alias("upl"),
        (pl.col("mean") - LIMIT_CLOSE * pl.col("__amr")).alias("__nlpl"),
        (pl.col("mean") + LIMIT_CLOSE * pl.col("__amr")).alias("__nupl"),
    )
    return broadcast(frame.drop("__mr"), stats, ["mean", "lpl", "upl", "__nlpl", "__nupl"])
