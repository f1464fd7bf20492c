"""Summaries of charts: of an `xmr` chart (per facet x rebase group, and the per-facet icons),
and of the SPC tables' points (`summarise_points`, one row per chart)."""

import polars as pl

from .chart_keys import CHART_ID
from .icons import assurance_type, variation_icon

_NEEDED = [
    "facet", "date", "rebase_group", "mean", "lpl", "upl", "special_cause_flag",
    "point_type", "target", "improvement_direction", "target_given",
]


def _check_chart(chart: object) -> pl.DataFrame:
    if not isinstance(chart, pl.DataFrame):
        raise ValueError(
            f"chart must be the polars DataFrame returned by xmr(), got {type(chart).__name__}"
        )
    missing = [c for c in _NEEDED if c not in chart.columns]
    if missing:
        raise ValueError(f"chart is missing columns {missing}; pass the result of xmr()")
    return chart.sort("facet", "date", nulls_last=True, maintain_order=True)


def xmr_summary(chart: pl.DataFrame) -> pl.DataFrame:
    """One row per facet x rebase group; assurance only on each facet's latest group."""
    chart = _check_chart(chart)
    groups = chart.group_by("facet", "rebase_group", maintain_order=True).agg(
        pl.col("mean").first(),
        pl.col("lpl").first(),
        pl.col("upl").first(),
        pl.len().cast(pl.Int64).alias("n"),
        (pl.len() - pl.col("special_cause_flag").sum()).cast(pl.Int64).alias("common_cause"),
        (pl.col("point_type") == "special_cause_improvement").sum().cast(pl.Int64)
        .alias("special_cause_improvement"),
        (pl.col("point_type") == "special_cause_concern").sum().cast(pl.Int64)
        .alias("special_cause_concern"),
        pl.col("point_type").last().alias("variation_type"),
        pl.col("target").last(),
        pl.col("improvement_direction").last(),
        pl.col("target_given").last(),
    )
    latest = pl.col("rebase_group") == pl.col("rebase_group").max().over("facet")
    return groups.with_columns(
        pl.when(latest)
        .then(assurance_type(pl.col("improvement_direction"), pl.col("target_given")))
        .alias("assurance_type")
    ).select(
        "facet", "rebase_group", "mean", "lpl", "upl", "n", "common_cause",
        "special_cause_improvement", "special_cause_concern", "variation_type", "assurance_type",
    )


def xmr_icons(chart: pl.DataFrame) -> pl.DataFrame:
    """One row per facet: the variation and assurance icons at its latest date."""
    chart = _check_chart(chart)
    last = chart.group_by("facet", maintain_order=True).agg(pl.all().last())
    direction = pl.col("improvement_direction")
    return last.select(
        "facet",
        variation_icon(pl.col("point_type"), direction).alias("variation_icon"),
        assurance_type(direction, pl.col("target_given")).alias("assurance_icon"),
    )


def summarise_points(points: pl.DataFrame) -> pl.DataFrame:
    """One row per chart: the latest rebase group's limits, the icons and the signal counts."""
    latest_group = points.filter(
        pl.col("rebase_group") == pl.col("rebase_group").max().over(CHART_ID)
    )
    return (
        latest_group.sort("period", maintain_order=True)  # events come in their order
        .group_by(CHART_ID, maintain_order=True)
        .agg(
            direction=pl.col("improvement_direction").last(),
            n_points=pl.col("value").is_not_null().sum().cast(pl.Int64),
            latest_period=pl.col("period").filter(pl.col("value").is_not_null()).last(),
            latest_value=pl.col("value").filter(pl.col("value").is_not_null()).last(),
            mean=pl.col("mean").last(),
            lpl=pl.col("lpl").last(),
            upl=pl.col("upl").last(),
            target=pl.col("target").last(),
            latest_point_type=pl.col("point_type").last(),
            special_cause_improvement=(pl.col("point_type") == "special_cause_improvement")
            .sum().cast(pl.Int64),
            special_cause_concern=(pl.col("point_type") == "special_cause_concern")
            .sum().cast(pl.Int64),
            short_group_warning=pl.col("short_group_warning").last(),
        )
        .with_columns(
            variation_icon=variation_icon(pl.col("latest_point_type"), pl.col("direction")),
            # A chart with no target has no assurance, as when xmr is given no target.
            assurance_icon=assurance_type(pl.col("direction"), pl.col("target").is_not_null()),
        )
        .drop("latest_point_type")
        .sort(CHART_ID)
    )
