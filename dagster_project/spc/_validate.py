"""Input checks shared by the chart functions; every failure is a ValueError with a clear message."""

from __future__ import annotations

from collections.abc import Mapping
from numbers import Real

import polars as pl

DIRECTIONS = {"increase": 1, "decrease": -1, "neutral": 0}


def check_frame(df: object) -> pl.DataFrame:
    if not isinstance(df, pl.DataFrame):
        raise ValueError(f"df must be a polars DataFrame, got {type(df).__name__}")
    if df.height == 0:
        raise ValueError("df has no rows")
    return df


def check_column(df: pl.DataFrame, name: object, role: str, optional: bool = False) -> None:
    if name is None and optional:
        return
    if not isinstance(name, str) or name not in df.columns:
        raise ValueError(f"{role} column {name!r} is not a column of df (columns: {df.columns})")


def check_date(df: pl.DataFrame, name: str, allow_numeric: bool = False) -> None:
    dtype = df.schema[name]
    if dtype == pl.Date or isinstance(dtype, pl.Datetime):
        pass
    elif allow_numeric and dtype.is_numeric():
        pass
    else:
        raise ValueError(f"date column {name!r} must be a Date or Datetime column, got {dtype}")
    if df.get_column(name).null_count():
        raise ValueError(f"date column {name!r} has missing values")


def check_numeric(df: pl.DataFrame, name: str, role: str) -> None:
    dtype = df.schema[name]
    if not dtype.is_numeric():
        raise ValueError(f"{role} column {name!r} must be numeric, got {dtype}")


def check_direction(direction: object) -> int:
    if direction not in DIRECTIONS:
        raise ValueError(
            f"improvement_direction must be one of {sorted(DIRECTIONS)}, got {direction!r}"
        )
    return DIRECTIONS[direction]


def check_fix_after(n: object) -> int | None:
    if n is None:
        return None
    if isinstance(n, bool) or not isinstance(n, int):
        raise ValueError(f"fix_after_n_points must be an integer, got {n!r}")
    if n < 12:
        raise ValueError(f"fix_after_n_points must be at least 12, got {n}")
    return n


def is_number(x: object) -> bool:
    return isinstance(x, Real) and not isinstance(x, bool)


def check_target(target: object) -> None:
    if target is None or is_number(target):
        return
    if isinstance(target, Mapping):
        bad = {k: v for k, v in target.items() if v is not None and not is_number(v)}
        if bad:
            raise ValueError(f"target values must be numbers, got {bad}")
        return
    raise ValueError(f"target must be a number or a dict facet -> number, got {target!r}")


def check_known_facets(keys: object, facets: pl.Series, what: str) -> None:
    known = set(facets.unique().to_list())
    unknown = [k for k in keys if k not in known]  # type: ignore[union-attr]
    if unknown:
        raise ValueError(f"{what} names facets that are not in the data: {unknown}")


def check_no_duplicate_dates(sorted_frame: pl.DataFrame, facet: str, date: str) -> None:
    dup = sorted_frame.select(
        (
            pl.col(facet).eq_missing(pl.col(facet).shift(1))
            & (pl.col(date) == pl.col(date).shift(1))
        ).any()
    ).item()
    if dup:
        rows = sorted_frame.filter(
            pl.col(facet).eq_missing(pl.col(facet).shift(1))
            & (pl.col(date) == pl.col(date).shift(1))
        ).head(3)
        raise ValueError(
            "duplicate date within a facet: "
            + ", ".join(f"{r[facet]!r} @ {r[date]}" for r in rows.iter_rows(named=True))
        )
