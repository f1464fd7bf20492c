"""XmR (individuals) charts by the NHS England Making Data Count method.

Matches NHSRplotthedots 0.2.2 (`ptd_spc`) number for number and label for label, vectorised over
any number of facets in one call. Deliberate differences, where that package gives no result:

- A missing value inside a 7-point trend window makes NHSRplotthedots stop with an error; here
  the missing value breaks the run (and every other run and window) and is itself common cause.
- NaN values are treated as missing (R's `is.na` is true for NaN).
- `relative_to_mean` is also null when a group's mean is NaN (no non-missing fixed values).
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from . import _facets
from . import _validate as v
from ._groups import NROWS, add_group_index
from .classify import point_type, special_cause_type
from .limits import add_limits
from .rebase import add_rebase_group
from .rules import close_to_limits, outside_limits, relative_to_mean, shift, trend, two_in_three

SHORT_GROUP = 13  # NHSRplotthedots warning_threshold: fewer rows gives trial limits

COLUMNS = [
    "facet", "date", "value", "trajectory", "rebase_group", "short_group_warning", "fix_value",
    "mean", "lpl", "upl", "outside_limits", "relative_to_mean", "close_to_limits",
    "special_cause_type", "special_cause_flag", "point_type", "target",
    "improvement_direction", "target_given",
]


def _sorted_unique(frame: pl.DataFrame) -> bool:
    """True if rows are already in strictly increasing (facet, date) order with no null facet."""
    f, d = pl.col("facet"), pl.col("date")
    ok = (f > f.shift(1)) | ((f == f.shift(1)) & (d > d.shift(1)))
    return bool(frame.select(ok.slice(1).all() & f.is_not_null().all()).item())


def _target(frame: pl.DataFrame, target: object) -> pl.DataFrame:
    if target is None:
        return frame.with_columns(pl.lit(None, dtype=pl.Float64).alias("target"))
    if isinstance(target, Mapping):
        v.check_known_facets(target.keys(), frame.get_column("facet"), "target")
        table = pl.DataFrame(
            {"facet": pl.Series(list(target.keys())).cast(frame.schema["facet"]),
             "target": pl.Series(list(target.values()), dtype=pl.Float64)}
        )
        return frame.join(table, on="facet", how="left", nulls_equal=True, maintain_order="left")
    return frame.with_columns(pl.lit(float(target), dtype=pl.Float64).alias("target"))


def xmr(
    df: pl.DataFrame,
    value: str = "y",
    date: str = "x",
    facet: str | list[str] | None = None,
    improvement_direction: str = "increase",
    target: float | Mapping | None = None,
    rebase: list | Mapping | None = None,
    fix_after_n_points: int | None = None,
    screen_outliers: bool = True,
    trajectory: str | None = None,
) -> pl.DataFrame:
    """XmR chart: one row per input row, sorted by facet then date (columns in `COLUMNS`).

    `facet` may name several columns: the output's `facet` is then a struct of them, and a
    `target` or `rebase` mapping is keyed by tuples of their values."""
    df = v.check_frame(df)
    df, facet, facet_keys = _facets.encode(df, facet)
    target = _facets.encode_mapping(target, facet_keys, "target")
    rebase = _facets.encode_mapping(rebase, facet_keys, "rebase")
    v.check_column(df, value, "value")
    v.check_column(df, date, "date")
    v.check_column(df, facet, "facet", optional=True)
    v.check_column(df, trajectory, "trajectory", optional=True)
    v.check_numeric(df, value, "value")
    v.check_date(df, date)
    direction = v.check_direction(improvement_direction)
    fix_after_n_points = v.check_fix_after(fix_after_n_points)
    v.check_target(target)

    frame = df.select(
        (pl.lit("no facet") if facet is None else pl.col(facet)).alias("facet"),
        pl.col(date).alias("date"),
        pl.col(value).cast(pl.Float64).fill_nan(None).alias("value"),
        (pl.lit(None, dtype=pl.Float64) if trajectory is None else pl.col(trajectory))
        .alias("trajectory"),
    )
    # Sorting 6M rows costs more than checking; pipeline inputs usually arrive sorted.
    if not _sorted_unique(frame):
        frame = frame.sort("facet", "date", nulls_last=True, maintain_order=True)
        v.check_no_duplicate_dates(frame, "facet", "date")

    frame = add_rebase_group(frame, rebase)
    frame = add_group_index(frame, ["facet", "rebase_group"])
    frame = add_limits(frame, fix_after_n_points, screen_outliers)
    for rule in (outside_limits, close_to_limits, relative_to_mean, trend, shift, two_in_three):
        frame = rule(frame)
    frame = point_type(special_cause_type(frame), direction)
    frame = _target(frame, target)
    chart = frame.with_columns(
        (pl.col(NROWS) < SHORT_GROUP).alias("short_group_warning"),
        pl.lit(improvement_direction).alias("improvement_direction"),
        pl.lit(target is not None).alias("target_given"),
    ).select(COLUMNS)
    return _facets.decode(chart, facet_keys)
