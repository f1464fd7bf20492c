"""The rare-event charts (catalogue `event_chart_type`, g: days between events) beside the charts
of periods: one point per event, labelled like every other chart. Pure polars."""

import polars as pl

from . import attribute_chart
from .attribute import EVENT_CHARTS
from .chart_keys import CHART_ID, CHART_KEYS
from .labels import label_points
from .scorecard import POINT_COLUMNS, _parts_as_rebase_groups
from .summary import summarise_points

# An event chart's point also has its event's position in the unit's sequence (two events may
# share a day); a period's point has none.
EVENT_POINT_COLUMNS = {**POINT_COLUMNS, "event_number": pl.Int64}

# Fewer events is better for a rare-event count, so more days between them is (and vice versa).
EVENT_CHART_DIRECTION = {"increase": "decrease", "decrease": "increase", "neutral": "neutral"}


def _event_rebase(events: pl.DataFrame, rebase_dates: pl.DataFrame) -> dict | None:
    """A rebase date starts a new part of an event chart at the first event on or after it."""
    firsts = (
        events.join(rebase_dates, on=CHART_KEYS, how="inner")
        .filter(pl.col("event_date") >= pl.col("rebase_date"))
        .group_by(*CHART_KEYS, "rebase_date").agg(pl.col("event_number").min())
        .group_by(CHART_KEYS).agg(pl.col("event_number").unique().sort())
    )
    return {tuple(row[:-1]): list(row[-1]) for row in firsts.iter_rows()} or None


def chart_event_intervals(
    intervals: pl.DataFrame, catalogue: pl.DataFrame, rebase_dates: pl.DataFrame
) -> pl.DataFrame:
    """The event charts (catalogue `event_chart_type`, g: days between events) of every unit,
    one point per event, by the engine's `attribute_chart`, labelled like every other chart.

    `intervals`: measure_id, level, unit_code, event_number, event_date,
    days_since_previous_event (marts.fct_rare_event_intervals; null for a unit's first event).
    A point's `period` is its event's date and `event_number` its place in the sequence (two
    events may share a day)."""
    kinds = catalogue.filter(pl.col("event_chart_type").is_in(EVENT_CHARTS)).select(
        "measure_id", "event_chart_type",
        direction=pl.col("direction").replace_strict(EVENT_CHART_DIRECTION))
    events = (intervals.join(kinds, on="measure_id", how="inner")
              .with_columns(pl.col("event_number").cast(pl.Int64))
              # a unit's single event has no interval yet: no chart to draw
              .filter(pl.col("days_since_previous_event").is_not_null().any().over(CHART_KEYS))
              .sort(*CHART_KEYS, "event_number"))
    frames = []
    for (chart_type,), part in events.group_by("event_chart_type", maintain_order=True):
        chart = attribute_chart(
            part.select(*CHART_KEYS, "event_number",
                        pl.col("days_since_previous_event").cast(pl.Float64)),
            chart=chart_type, value="days_since_previous_event", date="event_number",
            facet=CHART_KEYS, rebase=_event_rebase(part, rebase_dates),
        ).unnest("facet")
        meta = part.select(*CHART_KEYS, pl.col("event_number").alias("date"), "event_date",
                           "direction")
        chart = chart.join(meta, on=[*CHART_KEYS, "date"], how="left", maintain_order="left")
        labelled = pl.concat([
            label_points(rows, direction[0], by=[*CHART_KEYS, "part"])
            for direction, rows in chart.group_by("direction", maintain_order=True)
        ]).sort(*CHART_KEYS, "date")
        frames.append(_parts_as_rebase_groups(labelled).with_columns(
            period=pl.col("event_date"), event_number=pl.col("date"), chart_type=pl.lit(chart_type),
            mean=pl.col("cl"), lpl=pl.col("lcl"), upl=pl.col("ucl"),
            target=pl.lit(None, pl.Float64)))
    if not frames:
        return pl.DataFrame(schema=EVENT_POINT_COLUMNS)
    return (pl.concat([f.select(list(EVENT_POINT_COLUMNS)) for f in frames])
            .cast(EVENT_POINT_COLUMNS))


def days_since_last_event(event_points: pl.DataFrame, points: pl.DataFrame) -> pl.DataFrame:
    """Per event chart: its last event's date and the days from it to the end of the unit's
    latest period (the data's as-of date, not today, so a rerun gives the same figure)."""
    as_of = (points.filter(pl.col("event_number").is_null())
             .group_by(CHART_KEYS).agg(as_of=pl.col("period").max().dt.month_end()))
    return (
        event_points.group_by(CHART_ID).agg(last_event_date=pl.col("period").max())
        .join(as_of, on=CHART_KEYS, how="left")
        .select(*CHART_ID, "last_event_date",
                days_since_last_event=(pl.col("as_of") - pl.col("last_event_date"))
                .dt.total_days().cast(pl.Int64))
    )


def with_event_charts(
    points: pl.DataFrame, summary: pl.DataFrame, intervals: pl.DataFrame,
    catalogue: pl.DataFrame, rebase_dates: pl.DataFrame,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The period charts' points and summary with the event charts added beside them; every
    summary row gets `last_event_date` and `days_since_last_event` (null but on event charts)."""
    events = chart_event_intervals(intervals, catalogue, rebase_dates)
    points = points.with_columns(event_number=pl.lit(None, pl.Int64))  # points of periods
    if "is_provisional" in points.columns:  # an event is complete once it is recorded
        events = events.with_columns(is_provisional=pl.lit(False))
    event_summary = summarise_points(events).join(
        days_since_last_event(events, points), on=CHART_ID, how="left")
    summary = pl.concat([summary, event_summary], how="diagonal_relaxed").with_columns(
        pl.col("last_event_date").cast(pl.Date), pl.col("days_since_last_event").cast(pl.Int64))
    return (pl.concat([points, events], how="diagonal_relaxed"), summary.sort(CHART_ID))
