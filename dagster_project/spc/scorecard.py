"""The scorecard's charts of periods: which chart each series gets (the catalogue's, per level;
run -> XmR at 12 points) and its points from the engine (XmR, attribute and run charts), every
chart labelled with the Making Data Count vocabulary so one table serves every chart. Pure
polars; the SPC asset (assets.py) reads the marts and writes the results."""

import polars as pl

from . import attribute_chart, xmr
from .chart_keys import CHART_KEYS
from .labels import label_points
from .provisional import hold_back, provisional_counts, with_provisional
from .summary import summarise_points
from .xmr import SHORT_GROUP

ATTRIBUTE_CHARTS = {"p", "pp", "u", "up", "c", "g"}
ORGANISATION_LEVEL = "organisation"
# A run chart has no limits; MDC charts such a measure as XmR once it has 12 points.
RUN_CHART_MIN_POINTS = 12

POINT_COLUMNS = {
    "measure_id": pl.String, "level": pl.String, "unit_code": pl.String,
    "chart_type": pl.String, "period": pl.Date, "value": pl.Float64, "mean": pl.Float64,
    "lpl": pl.Float64, "upl": pl.Float64, "target": pl.Float64, "rebase_group": pl.Int64,
    "short_group_warning": pl.Boolean, "special_cause_type": pl.String,
    "special_cause_flag": pl.Boolean, "point_type": pl.String,
    "improvement_direction": pl.String,
}


def catalogue_chart_type(level: pl.Expr) -> pl.Expr:
    """The catalogue's chart for a series' level: `organisation_chart_type` at organisation
    level, `chart_type` below it (the catalogue, not code, says which chart each level gets)."""
    return (pl.when(level == ORGANISATION_LEVEL).then(pl.col("organisation_chart_type"))
            .otherwise(pl.col("chart_type")))


def effective_chart_type(chart_type: pl.Expr, n_points: pl.Expr) -> pl.Expr:
    """The chart a series actually gets: the catalogue's chart for its level, except that a
    run-chart measure becomes XmR once it has 12 points (data-driven, as MDC does)."""
    return (
        pl.when(chart_type == "run")
        .then(pl.when(n_points >= RUN_CHART_MIN_POINTS).then(pl.lit("xmr")).otherwise(pl.lit("run")))
        .otherwise(chart_type)
    )


def _present(mapping: dict, series: pl.DataFrame) -> dict | None:
    """The part of a chart-key mapping whose charts are in `series` (the engine refuses others)."""
    keys = set(series.select(CHART_KEYS).unique().iter_rows())
    return {k: v for k, v in mapping.items() if k in keys} or None


def _xmr_points(series: pl.DataFrame, rebase: dict, targets: dict) -> pl.DataFrame:
    """XmR for every chart, one engine call per improvement direction."""
    points = []
    for direction, part in series.group_by("direction", maintain_order=True):
        chart = xmr(
            part.select(*CHART_KEYS, "period", "value"),
            value="value", date="period", facet=CHART_KEYS,
            improvement_direction=direction[0],
            target=_present(targets, part),
            rebase=_present(rebase, part),
        )
        points.append(chart.unnest("facet").rename({"date": "period"}))
    return pl.concat(points, how="diagonal_relaxed")


def _parts_as_rebase_groups(chart: pl.DataFrame) -> pl.DataFrame:
    """qicharts2 numbers parts from 1; a rebase group counts the rebase dates passed."""
    return chart.with_columns(
        period=pl.col("date"),
        rebase_group=(pl.col("part") - 1).cast(pl.Int64),
        short_group_warning=pl.len().over(*CHART_KEYS, "part") < SHORT_GROUP,
        improvement_direction=pl.col("direction"),
    )


def _attribute_points(series: pl.DataFrame, chart_type: str, rebase: dict) -> pl.DataFrame:
    """qicharts2 limits per part (a rebase date starts a part), labelled by the Making Data
    Count rules so the report reads one table."""
    chart = attribute_chart(
        series.select(*CHART_KEYS, "period", "numerator", "denominator"),
        chart=chart_type, value="numerator", date="period",
        denominator=None if chart_type in {"c", "g"} else "denominator",
        facet=CHART_KEYS, rebase=_present(rebase, series),
    ).unnest("facet")
    meta = series.select(*CHART_KEYS, pl.col("period").alias("date"), "direction", "multiplier")
    chart = (
        chart.join(meta, on=[*CHART_KEYS, "date"], how="left", maintain_order="left")
        .with_columns(pl.col(c) * pl.col("multiplier").fill_null(1.0)
                      for c in ("value", "cl", "lcl", "ucl"))
    )
    labelled = [
        label_points(part, direction[0], by=[*CHART_KEYS, "part"])
        for direction, part in chart.group_by("direction", maintain_order=True)
    ]
    return _parts_as_rebase_groups(pl.concat(labelled).sort(*CHART_KEYS, "date")).with_columns(
        mean=pl.col("cl"), lpl=pl.col("lcl"), upl=pl.col("ucl"),
    )


def _run_points(series: pl.DataFrame, rebase: dict) -> pl.DataFrame:
    """Too few points for limits: the median of each part as centre line, no special causes."""
    chart = attribute_chart(
        series.select(*CHART_KEYS, "period", "value"), chart="run", value="value",
        date="period", facet=CHART_KEYS, rebase=_present(rebase, series),
    ).unnest("facet")
    meta = series.select(*CHART_KEYS, pl.col("period").alias("date"), "direction")
    return _parts_as_rebase_groups(
        chart.join(meta, on=[*CHART_KEYS, "date"], how="left", maintain_order="left")
    ).with_columns(
        mean=pl.col("cl"), lpl=pl.lit(None, pl.Float64), upl=pl.lit(None, pl.Float64),
        short_group_warning=pl.lit(True),
        special_cause_type=pl.lit("Common Cause"), special_cause_flag=pl.lit(False),
        point_type=pl.lit("common_cause"),
    )


def chart_scorecard(
    scorecard: pl.DataFrame, catalogue: pl.DataFrame, rebase_dates: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Chart every series of the scorecard. Returns (points, summary), one summary row a chart.

    `scorecard`: measure_id, level, unit_code, period, numerator, denominator, value, target.
    `catalogue`: measure_id, direction, chart_type, organisation_chart_type, multiplier.
    `rebase_dates`: measure_id, level, unit_code, rebase_date (a date), checked beforehand.
    A chart is keyed by the columns measure_id, level and unit_code, never by a joined string.
    """
    series = (
        scorecard.join(catalogue.select("measure_id", "direction", "chart_type",
                                        "organisation_chart_type", "multiplier"),
                       on="measure_id", how="inner")
        .with_columns(chart_type=catalogue_chart_type(pl.col("level")))
        .drop("organisation_chart_type")
        .filter(pl.col("chart_type") != "none")
        .sort(*CHART_KEYS, "period")
    )
    n_points = series.group_by(CHART_KEYS).agg(n=pl.col("value").is_not_null().sum())
    series = series.join(n_points, on=CHART_KEYS, maintain_order="left").with_columns(
        chart_type=effective_chart_type(pl.col("chart_type"), pl.col("n"))
    ).filter(pl.col("n") > 0)
    targets = {
        tuple(row[:-1]): row[-1]
        for row in series.filter(pl.col("target").is_not_null())
        .group_by(CHART_KEYS).agg(pl.col("target").last()).iter_rows()
    }
    rebase = {
        tuple(row[:-1]): list(row[-1])
        for row in rebase_dates.group_by(CHART_KEYS).agg(pl.col("rebase_date")).iter_rows()
    }

    frames = []
    xmr_series = series.filter(pl.col("chart_type") == "xmr")
    if xmr_series.height:
        xmr_pts = _xmr_points(
            xmr_series.select(*CHART_KEYS, "period", "value", "direction"), rebase, targets)
        frames.append(xmr_pts.with_columns(chart_type=pl.lit("xmr")))
    for chart_type in sorted(ATTRIBUTE_CHARTS):
        part = series.filter(pl.col("chart_type") == chart_type)
        if part.height:
            frames.append(_attribute_points(part, chart_type, rebase).with_columns(
                chart_type=pl.lit(chart_type)))
    run_part = series.filter(pl.col("chart_type") == "run")
    if run_part.height:
        frames.append(_run_points(run_part, rebase).with_columns(chart_type=pl.lit("run")))

    if not frames:
        empty = pl.DataFrame(schema=POINT_COLUMNS)
        return empty, summarise_points(empty)
    points = (
        pl.concat([f.select([c for c in POINT_COLUMNS if c in f.columns]) for f in frames],
                  how="diagonal_relaxed")
        .drop("target", strict=False)
        .join(series.select(*CHART_KEYS, "period", "target"), on=[*CHART_KEYS, "period"],
              how="left")
        .select(list(POINT_COLUMNS))
        .cast(POINT_COLUMNS)
        .sort(CHART_KEYS + ["period"])
    )
    return points, summarise_points(points)


def chart_with_provisional(
    scorecard: pl.DataFrame, catalogue: pl.DataFrame, rebase_dates: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """`chart_scorecard` on the mature periods only (spc/provisional.py): provisional ones
    (`is_provisional`) are put back on their charts afterwards, marked, unjudged. The summary
    describes the judged points (latest value, icons) and counts the provisional ones."""
    mature, provisional = hold_back(scorecard)
    points, summary = chart_scorecard(mature.drop("is_provisional", "provisional_reason"),
                                      catalogue, rebase_dates)
    points = with_provisional(points, provisional, CHART_KEYS)
    counts = provisional_counts(points, CHART_KEYS)
    summary = summary.join(counts, on=[*CHART_KEYS, "chart_type"], how="left").with_columns(
        pl.col("provisional_periods").fill_null(0))
    return points, summary
