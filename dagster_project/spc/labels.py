"""Making Data Count labels for any chart with per-point limits (p, p′, u, u′, c, g).

The NHS England SPC visuals apply the same four rule families to attribute charts as to XmR;
here each point's own centre line and 3-sigma limits stand in for the XmR mean and process
limits, and the 2-sigma lines sit two thirds of the way out.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from . import _validate as v
from ._groups import add_group_index
from .classify import point_type, special_cause_type
from .rules import close_to_limits, outside_limits, relative_to_mean, shift, trend, two_in_three


def label_points(chart: pl.DataFrame, improvement_direction: str,
                 by: Sequence[str] = ("facet",)) -> pl.DataFrame:
    """Add `special_cause_type`, `special_cause_flag` and `point_type` to a chart sorted by
    `by` then date with columns date, value, cl, lcl, ucl (null limits: none known). The rules
    run within each group of `by` (a chart, or a chart's part: never across a rebase)."""
    direction = v.check_direction(improvement_direction)
    two_thirds = 2.0 / 3.0
    frame = chart.with_columns(
        mean=pl.col("cl").cast(pl.Float64).fill_null(float("nan")),
        lpl=pl.col("lcl").cast(pl.Float64).fill_null(float("nan")),
        upl=pl.col("ucl").cast(pl.Float64).fill_null(float("nan")),
    ).with_columns(
        __nlpl=pl.col("mean") - two_thirds * (pl.col("mean") - pl.col("lpl")),
        __nupl=pl.col("mean") + two_thirds * (pl.col("upl") - pl.col("mean")),
    )
    original = chart.columns
    frame = add_group_index(frame, list(by))
    for rule in (outside_limits, close_to_limits, relative_to_mean, trend, shift, two_in_three):
        frame = rule(frame)
    frame = point_type(special_cause_type(frame), direction)
    return frame.select(*original, "special_cause_type", "special_cause_flag", "point_type")
