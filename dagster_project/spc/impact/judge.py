"""`judge_impact`: every intervention judged on its series in one vectorised pass."""

from __future__ import annotations

import polars as pl

from .. import _validate as v
from .._exact import group_means
from .._groups import GID, add_group_index
from .baseline import baseline_limits
from .signals import post_signals
from .verdict import rebase_basis, rebase_proposed_from, signal_summary, verdict
from .windows import JID, TRUNCATE, split_points

SERIES_KEY = ["measure_id", "level", "unit_code"]
INTERVENTION_KEY = ["project_id", "measure_id", "role", "level", "unit_code", "scope"]
IMPACT_COLUMNS = {
    "project_id": pl.String, "measure_id": pl.String, "role": pl.String, "level": pl.String,
    "unit_code": pl.String, "scope": pl.String, "intervention_date": pl.Date,
    "baseline_points": pl.Int64, "baseline_mean": pl.Float64, "baseline_lpl": pl.Float64,
    "baseline_upl": pl.Float64, "post_points": pl.Int64, "post_mean": pl.Float64,
    "effect": pl.Float64, "relative_effect": pl.Float64, "first_signal_period": pl.Date,
    "verdict": pl.String, "rebase_proposed_from": pl.Date,
}


def _require(df: object, columns: list[str], what: str) -> pl.DataFrame:
    if not isinstance(df, pl.DataFrame):
        raise ValueError(f"{what} must be a polars DataFrame, got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{what} lacks column(s) {missing} (columns: {df.columns})")
    return df


def _checked_series(series: pl.DataFrame) -> pl.DataFrame:
    series = _require(series, [*SERIES_KEY, "period", "value", "direction"], "series")
    if "frequency" not in series.columns:
        series = series.with_columns(frequency=pl.lit("month"))
    v.check_date(series, "period")
    v.check_numeric(series, "value", "value")
    bad = set(series.get_column("direction").unique().to_list()) - set(v.DIRECTIONS)
    if bad:
        raise ValueError(f"series column 'direction' must be one of {sorted(v.DIRECTIONS)}; "
                         f"{len(bad)} other value(s) found")
    bad = set(series.get_column("frequency").unique().to_list()) - set(TRUNCATE)
    if bad:
        raise ValueError(f"series column 'frequency' must be one of {sorted(TRUNCATE)}; "
                         f"{len(bad)} other value(s) found")
    per_series = series.group_by(SERIES_KEY).agg(
        pl.col("period").is_duplicated().any().alias("dup"),
        pl.col("direction").n_unique().alias("directions"),
        pl.col("frequency").n_unique().alias("frequencies"))
    for column, rule in (("dup", "a period more than once"),
                         ("directions", "more than one direction"),
                         ("frequencies", "more than one frequency")):
        n = per_series.filter(pl.col(column).cast(pl.Int64) > (0 if column == "dup" else 1))
        if n.height:
            raise ValueError(f"series: {n.height} series (keyed by {SERIES_KEY}) have {rule}")
    return series.with_columns(pl.col("period").cast(pl.Date),
                               pl.col("value").cast(pl.Float64))


def _checked_interventions(interventions: pl.DataFrame) -> pl.DataFrame:
    interventions = _require(interventions, [*INTERVENTION_KEY, "intervention_date"],
                             "interventions")
    v.check_date(interventions, "intervention_date")
    if interventions.select(INTERVENTION_KEY).is_duplicated().any():
        raise ValueError(f"interventions: a key {INTERVENTION_KEY} appears more than once")
    return interventions.with_columns(pl.col("intervention_date").cast(pl.Date))


def post_means(post: pl.DataFrame) -> pl.DataFrame:
    """JID, post_mean (correctly rounded, as the baseline's) and post_points per judgement."""
    frame = add_group_index(post.select(JID, "period", "value").sort(JID, "period"), [JID])
    means = group_means(frame, GID, {"post_mean": pl.col("value")})
    # group_means numbers groups densely from 0; JIDs are not dense (not every judgement has
    # post points), so carry each group's JID across
    ids = frame.group_by(GID, maintain_order=True).agg(pl.col(JID).first())
    return means.join(ids, on=GID).select(JID, "post_mean", post_points="post_mean_n")


def judge_impact(series: pl.DataFrame, interventions: pl.DataFrame) -> pl.DataFrame:
    """One row per intervention, with exactly IMPACT_COLUMNS.

    `series`: measure_id, level, unit_code, period (date), value (null: no value that period),
    direction (increase, decrease, neutral), and optionally frequency (month, the default, or
    week, quarter, year). `interventions`: project_id, measure_id, role, level, unit_code, scope
    and intervention_date. An intervention whose series has no rows is insufficient_data.
    """
    return judge_with_points(series, interventions)[0].select(list(IMPACT_COLUMNS))


def judge_with_points(series: pl.DataFrame,
                      interventions: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(verdicts, points): the verdicts with IMPACT_COLUMNS and `rebase_basis` (`run_of_7` or
    `first_signal` where a rebase is proposed), and every point judged: INTERVENTION_KEY,
    period and phase (`baseline` or `post`), so a reader can tell which cells a verdict rests
    on (the publish step's disclosure policy does)."""
    series = _checked_series(series)
    judged = _checked_interventions(interventions).with_row_index(JID).with_columns(
        pl.col(JID).cast(pl.Int64))
    points = judged.select(JID, *SERIES_KEY, "intervention_date").join(
        series.select(*SERIES_KEY, "period", "value", "direction", "frequency"),
        on=SERIES_KEY, how="inner")
    baseline, post = split_points(points)
    limits = baseline_limits(baseline)
    signals = post_signals(post, limits)
    post_stats = post_means(post)
    directions = series.group_by(SERIES_KEY).agg(pl.col("direction").first())

    out = (
        judged.join(limits, on=JID, how="left")
        .join(post_stats, on=JID, how="left")
        .join(signal_summary(signals), on=JID, how="left")
        .join(directions, on=SERIES_KEY, how="left")
        .with_columns(
            pl.col("baseline_points").fill_null(0), pl.col("post_points").fill_null(0)
            .cast(pl.Int64),
            # limits of a baseline with no moving range left are NaN in the engine: null here
            *[pl.col(c).fill_nan(None).alias(f"baseline_{c}") for c in ("mean", "lpl", "upl")],
        )
        .with_columns(verdict=verdict(pl.col("baseline_points"), pl.col("post_points"),
                                      pl.col("direction")))
    )
    judged_at_all = pl.col("verdict") != "insufficient_data"
    effect = pl.col("post_mean") - pl.col("baseline_mean")
    verdicts = out.with_columns(
        effect=effect,
        relative_effect=pl.when(pl.col("baseline_mean") != 0)
        .then(pl.col("post_mean") / pl.col("baseline_mean") - 1),
        first_signal_period=pl.when(judged_at_all).then(pl.col("first_signal_period")),
        rebase_proposed_from=rebase_proposed_from(pl.col("verdict")),
        rebase_basis=rebase_basis(pl.col("verdict")),
    ).sort(JID).select(*IMPACT_COLUMNS, "rebase_basis").cast(IMPACT_COLUMNS)
    phases = pl.concat([baseline.select(JID, "period", phase=pl.lit("baseline")),
                        post.select(JID, "period", phase=pl.lit("post"))])
    judged_points = (judged.select(JID, *INTERVENTION_KEY)
                     .join(phases, on=JID, how="inner")
                     .sort(JID, "period").drop(JID))
    return verdicts, judged_points
