"""The four rules of spc.md on the post points alone, against the baseline mean and limits.

The rules are the engine's (spc/rules) and so is the precedence that labels a point
(spc/classify.py `special_cause_type`): the label gives the signal's side, the side of the
baseline mean for a limit, two-in-three or shift, the direction of the trend for a trend.
"""

from __future__ import annotations

import polars as pl

from .._groups import add_group_index
from .._validate import DIRECTIONS
from ..classify import point_type, special_cause_type
from ..rules import close_to_limits, outside_limits, relative_to_mean, shift, trend, two_in_three
from .baseline import LIMIT_COLUMNS
from .windows import JID

RULES = (outside_limits, close_to_limits, relative_to_mean, trend, shift, two_in_three)


def post_signals(post: pl.DataFrame, limits: pl.DataFrame) -> pl.DataFrame:
    """The post points (JID, period, value, direction) with the baseline's limits and the
    engine's per-point columns: relative_to_mean, shift, special_cause_flag, point_type."""
    frame = post.select(JID, "period", "value", "direction").join(
        limits.select(JID, *LIMIT_COLUMNS), on=JID, how="inner", maintain_order="left")
    labelled = []
    # point_type takes one direction: one pass per direction, never per series
    for (direction,), part in frame.group_by("direction", maintain_order=True):
        part = add_group_index(part.sort(JID, "period"), [JID])
        for rule in RULES:
            part = rule(part)
        labelled.append(point_type(special_cause_type(part), DIRECTIONS[direction]))
    columns = [JID, "period", "value", "direction", "mean", "relative_to_mean", "shift",
               "special_cause_type", "special_cause_flag", "point_type"]
    if not labelled:
        return frame.select(JID, "period", "value", "direction", "mean").with_columns(
            relative_to_mean=pl.lit(None, pl.Int8), shift=pl.lit(None, pl.Boolean),
            special_cause_type=pl.lit(None, pl.String),
            special_cause_flag=pl.lit(None, pl.Boolean), point_type=pl.lit(None, pl.String))
    return pl.concat([p.select(columns) for p in labelled]).sort(JID, "period")
