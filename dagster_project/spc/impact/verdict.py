"""The verdict of one judgement, its sustained test and its rebase proposal.

- `insufficient_data`: fewer than 12 baseline points or fewer than 7 post points;
- `sustained_improvement`: the first signal improves and the latest 7 post points all lie on the
  improving side of the baseline mean (a point on the mean is on neither side);
- `improvement_not_sustained`: the first signal improves, but not the above;
- `deterioration`: the first signal worsens;
- `no_significant_change` otherwise; a neutral measure gets `change_detected` or that.

Rebase proposal (sustained_improvement or deterioration only): the period where the first run
of 7 on the verdict's side begins (the first point the shift rule flags on that side), failing
that the first signal.
"""

from __future__ import annotations

import polars as pl

from .._validate import DIRECTIONS
from .windows import JID

BASELINE_MIN = 12
POST_MIN = 7
SUSTAINED_RUN = 7
JUDGED_VERDICTS = ("sustained_improvement", "improvement_not_sustained", "deterioration",
                   "no_significant_change", "change_detected")
VERDICTS = ("insufficient_data", *JUDGED_VERDICTS)
REBASED_VERDICTS = ("sustained_improvement", "deterioration")


def _first(expr: pl.Expr, when: pl.Expr) -> pl.Expr:
    return expr.filter(when).first()


def signal_summary(signals: pl.DataFrame) -> pl.DataFrame:
    """One row per judgement with post points judged against a baseline: the first signal's
    period and point type, whether the latest 7 improve, and the first run of 7 on each side."""
    sense = pl.col("relative_to_mean").cast(pl.Int32) * pl.col("__dir")
    improving_run = pl.col("shift").fill_null(False) & (sense == 1)
    worsening_run = pl.col("shift").fill_null(False) & (sense == -1)
    flagged = pl.col("special_cause_flag").fill_null(False)
    return (
        signals.with_columns(__dir=pl.col("direction").replace_strict(DIRECTIONS,
                                                                      return_dtype=pl.Int32))
        .sort(JID, "period")
        .group_by(JID, maintain_order=True)
        .agg(
            first_signal_period=_first(pl.col("period"), flagged),
            __first_type=_first(pl.col("point_type"), flagged),
            __latest_improving=(sense.tail(SUSTAINED_RUN) == 1).fill_null(False).all()
            & (pl.len() >= SUSTAINED_RUN),
            __improving_run=_first(pl.col("period"), improving_run),
            __worsening_run=_first(pl.col("period"), worsening_run),
        )
    )


def verdict(baseline_points: pl.Expr, post_points: pl.Expr, direction: pl.Expr) -> pl.Expr:
    """The verdict from the counts and signal_summary's columns."""
    first = pl.col("__first_type")
    return (
        pl.when((baseline_points.fill_null(0) < BASELINE_MIN)
                | (post_points.fill_null(0) < POST_MIN))
        .then(pl.lit("insufficient_data"))
        .when(direction == "neutral")
        .then(pl.when(pl.col("first_signal_period").is_not_null())
              .then(pl.lit("change_detected")).otherwise(pl.lit("no_significant_change")))
        .when((first == "special_cause_improvement") & pl.col("__latest_improving"))
        .then(pl.lit("sustained_improvement"))
        .when(first == "special_cause_improvement")
        .then(pl.lit("improvement_not_sustained"))
        .when(first == "special_cause_concern")
        .then(pl.lit("deterioration"))
        .otherwise(pl.lit("no_significant_change"))
    )


def _run_on_verdicts_side(verdict_col: pl.Expr) -> pl.Expr:
    return (pl.when(verdict_col == "sustained_improvement").then(pl.col("__improving_run"))
            .otherwise(pl.col("__worsening_run")))


def rebase_proposed_from(verdict_col: pl.Expr) -> pl.Expr:
    """Where the limits should be recalculated from, or null (never applied here)."""
    return pl.when(verdict_col.is_in(REBASED_VERDICTS)).then(
        pl.coalesce(_run_on_verdicts_side(verdict_col), pl.col("first_signal_period")))


def rebase_basis(verdict_col: pl.Expr) -> pl.Expr:
    """Why the proposal starts where it does: `run_of_7` or `first_signal` (null: none)."""
    return pl.when(verdict_col.is_in(REBASED_VERDICTS)).then(
        pl.when(_run_on_verdicts_side(verdict_col).is_not_null())
        .then(pl.lit("run_of_7")).otherwise(pl.lit("first_signal")))
