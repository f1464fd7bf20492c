"""Anhoej run rules (qicharts2 ``runs.analysis``), vectorised over chart parts.

Points on the centre line and missing points are dropped before counting, so they neither
break nor extend a run. A signal is a longest run above round(log2(n)) + 3 or fewer crossings
than the 5% quantile of Binomial(n - 1, 0.5), n being the number of useful points.
"""

from __future__ import annotations

import math
from functools import lru_cache

import polars as pl

from ._groups import GID

_EXACT_UP_TO = 5000  # exact integer arithmetic below this; log-space floats above


@lru_cache(maxsize=None)
def qbinom_05(m: int) -> int:
    """Smallest k with P(X <= k) >= 0.05 for X ~ Binomial(m, 1/2) (R's qbinom(0.05, m, 0.5))."""
    if m <= 0:
        return 0
    if m <= _EXACT_UP_TO:
        # 20 * sum C(m, i) >= 2**m, in integers: the exact CDF never equals 0.05.
        total, term, target = 0, 1, 2**m
        for k in range(m + 1):
            total += term
            if 20 * total >= target:
                return k
            term = term * (m - k) // (k + 1)
        return m
    log_half = m * math.log(0.5)
    cdf = 0.0
    for k in range(m + 1):
        cdf += math.exp(math.lgamma(m + 1) - math.lgamma(k + 1) - math.lgamma(m - k + 1) + log_half)
        if cdf >= 0.05 * (1 - 64 * 2.220446049250313e-16):
            return k
    return m


def runs_analysis(frame: pl.DataFrame, n_groups: int) -> pl.DataFrame:
    """Per group (dense GID 0..n_groups-1): run statistics of column `__y` against `__cl`.

    Returns n_useful, longest_run, longest_run_max, n_crossings, n_crossings_min, runs_signal
    (null statistics and no signal when a group has no useful point).
    """
    side = (pl.col("__y") - pl.col("__cl")).sign()
    useful = frame.select(pl.col(GID), side.alias("__side")).filter(
        pl.col("__side").is_not_null() & pl.col("__side").is_not_nan() & (pl.col("__side") != 0)
    )
    side_changes = pl.col("__side") != pl.col("__side").shift(1)
    new_run = (pl.col(GID) != pl.col(GID).shift(1)) | side_changes
    useful = useful.with_columns(new_run.fill_null(True).cast(pl.Int64).cum_sum().alias("__run"))
    lengths = useful.group_by(GID, "__run", maintain_order=True).len()
    stats = lengths.group_by(GID, maintain_order=True).agg(
        pl.col("len").sum().cast(pl.Int64).alias("n_useful"),
        pl.col("len").max().cast(pl.Int64).alias("longest_run"),
        (pl.len() - 1).cast(pl.Int64).alias("n_crossings"),
    )
    every = pl.DataFrame({GID: pl.int_range(n_groups, dtype=pl.Int64, eager=True)})
    stats = every.join(stats.with_columns(pl.col(GID).cast(pl.Int64)), on=GID, how="left")
    sizes = stats.get_column("n_useful").drop_nulls().unique().to_list()
    crossings_min = {n: qbinom_05(n - 1) for n in sizes}
    stats = stats.with_columns(
        # log2 of an integer is never exactly .5 away, so R's half-even rounding cannot differ
        (pl.col("n_useful").cast(pl.Float64).log(2).round() + 3)
        .cast(pl.Int64).alias("longest_run_max"),
        pl.col("n_useful").replace_strict(crossings_min, default=None, return_dtype=pl.Int64)
        .alias("n_crossings_min"),
    )
    signal = (pl.col("longest_run") > pl.col("longest_run_max")) | (
        pl.col("n_crossings") < pl.col("n_crossings_min")
    )
    return stats.with_columns(signal.fill_null(False).alias("runs_signal"))
