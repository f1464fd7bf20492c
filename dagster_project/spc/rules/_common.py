"""Null-safe limit checks: polars compares NaN as the largest value (`y < NaN` is true)."""

import polars as pl


def limits_known() -> pl.Expr:
    """Value present and both limits real numbers."""
    return (
        pl.col("value").is_not_null()
        & pl.col("lpl").is_not_nan().fill_null(False)
        & pl.col("upl").is_not_nan().fill_null(False)
    )
