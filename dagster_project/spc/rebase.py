"""Rebase groups: `rebase_group` counts the rebase dates at or before each row of a facet."""

from collections.abc import Mapping

import polars as pl

from ._validate import check_known_facets


def _dates(values: object, dtype: pl.DataType) -> pl.Series:
    if isinstance(values, pl.Series):
        s = values
    elif isinstance(values, (list, tuple, set)):
        s = pl.Series(list(values))
    else:
        s = pl.Series([values])
    try:
        return s.cast(dtype)
    except Exception as exc:  # polars raises several error types for bad casts
        raise ValueError(f"rebase dates {values!r} cannot be read as {dtype}") from exc


def rebase_flags(frame: pl.DataFrame, rebase: object) -> pl.DataFrame:
    """Return `frame` with an Int32 `__rebase` flag column (1 on a rebase date)."""
    dtype = frame.schema["date"]
    if rebase is None:
        return frame.with_columns(pl.lit(0, dtype=pl.Int32).alias("__rebase"))
    if isinstance(rebase, Mapping):
        check_known_facets(rebase.keys(), frame.get_column("facet"), "rebase")
        parts = [
            pl.DataFrame({"date": _dates(v, dtype)}).with_columns(
                pl.lit(k).cast(frame.schema["facet"]).alias("facet")
            )
            for k, v in rebase.items()
        ]
        table = pl.concat(parts).unique().with_columns(pl.lit(1, dtype=pl.Int32).alias("__rebase"))
        out = frame.join(table.select("facet", "date", "__rebase"), on=["facet", "date"],
                         how="left", nulls_equal=True, maintain_order="left")
        return out.with_columns(pl.col("__rebase").fill_null(0))
    flags = pl.col("date").is_in(_dates(rebase, dtype).implode())
    return frame.with_columns(flags.cast(pl.Int32).alias("__rebase"))


def add_rebase_group(frame: pl.DataFrame, rebase: object) -> pl.DataFrame:
    """Add `rebase_group` (0 before the first rebase date of the facet)."""
    if rebase is None:
        return frame.with_columns(pl.lit(0, dtype=pl.Int32).alias("rebase_group"))
    frame = rebase_flags(frame, rebase)
    row = pl.int_range(pl.len())
    new_facet = pl.col("facet").ne_missing(pl.col("facet").shift(1)) | (row == 0)
    c = pl.col("__rebase").cum_sum()
    start = pl.when(new_facet).then(c - pl.col("__rebase")).forward_fill()
    return frame.with_columns((c - start).cast(pl.Int32).alias("rebase_group")).drop("__rebase")
