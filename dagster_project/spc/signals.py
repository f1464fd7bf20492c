"""Which special causes are news: those no earlier run recorded (the signal history)."""

from datetime import datetime

import polars as pl

from .chart_keys import CHART_ID, CHART_KEYS


def detect_new_signals(
    points: pl.DataFrame, history: pl.DataFrame, run_id: str, now: datetime
) -> pl.DataFrame:
    """Special causes not seen in any earlier run, to append to the signal history.

    With no history yet, every special cause is recorded but only each chart's latest period
    counts as news (`is_baseline` false): a first run would otherwise report years of old
    special causes as this morning's list."""
    # A point is its chart (CHART_ID), its period and, on an event chart, its event number.
    point = [*CHART_ID, "period", "event_number"]
    if "event_number" not in points.columns:  # only charts of periods
        points = points.with_columns(event_number=pl.lit(None, pl.Int64))
    flagged = points.filter(pl.col("special_cause_flag"))
    ordered = points.sort(*CHART_ID, "period", "event_number", nulls_last=False)
    latest = ordered.group_by(CHART_ID).agg(
        latest=pl.struct("period", "event_number").last())
    if history.height:
        flagged = flagged.join(
            history.select(*point, "special_cause_type"),
            on=[*point, "special_cause_type"], how="anti", nulls_equal=True,
        )
    first_run = history.height == 0
    return flagged.join(latest, on=CHART_ID).select(
        *CHART_KEYS, "period", "special_cause_type", "point_type", "value",
        detected_run_id=pl.lit(run_id), detected_at=pl.lit(now),
        is_baseline=pl.lit(first_run)
        & pl.struct("period", "event_number").ne_missing(pl.col("latest")),
        chart_type=pl.col("chart_type"), event_number=pl.col("event_number"),
    )
