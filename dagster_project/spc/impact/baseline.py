"""Baseline XmR limits, as spc.md computes them: the correctly rounded mean, the screened mean
moving range, and mean -/+ 2.66 x amr (with the 2-sigma lines the two-in-three rule needs)."""

from __future__ import annotations

import polars as pl

from .._groups import GID, add_group_index
from ..limits import add_limits
from .windows import JID

LIMIT_COLUMNS = ["mean", "lpl", "upl", "__nlpl", "__nupl"]


def baseline_limits(baseline: pl.DataFrame) -> pl.DataFrame:
    """One row per judgement with baseline points: JID, baseline_points and LIMIT_COLUMNS
    (limits NaN when no moving range is left, as in the engine)."""
    frame = add_limits(add_group_index(baseline.select(JID, "period", "value"), [JID]))
    return frame.group_by(GID, maintain_order=True).agg(
        pl.col(JID).first(),
        pl.len().cast(pl.Int64).alias("baseline_points"),
        *[pl.col(c).first() for c in LIMIT_COLUMNS],
    ).drop(GID)
