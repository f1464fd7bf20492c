"""SPC annotations from the register: markers on the charts of the linked measures, and rebase
proposals to review.

A marker is a date on a chart (measure_id, level, unit_code): each adopted change's
implemented_date on every chart its project links, and each adoption of its spread on the
adopting CSU's charts of the project's scorecard measures. Markers carry codes and dates only,
never the register's free text.

A rebase proposal is never applied by itself: a person confirms it by adding the date to the
rebase seed (dbt_project/seeds/spc_rebase_dates.csv); a seed row for the same chart and date
marks the proposal confirmed.
"""

from __future__ import annotations

import polars as pl

from .interventions import SCOREBOARD_LEVELS, SPREAD_LEVEL

MARKER_COLUMNS = {
    "measure_id": pl.String, "level": pl.String, "unit_code": pl.String,
    "annotation_date": pl.Date, "kind": pl.String, "project_id": pl.String,
    "scope": pl.String, "role": pl.String, "cycle_no": pl.Int64, "location_code": pl.String,
}
PROPOSAL_COLUMNS = {
    "project_id": pl.String, "measure_id": pl.String, "role": pl.String, "level": pl.String,
    "unit_code": pl.String, "scope": pl.String, "intervention_date": pl.Date,
    "verdict": pl.String, "proposed_from": pl.Date, "basis": pl.String, "reason": pl.String,
    "is_confirmed": pl.Boolean,
}
# Plain words for a chart's "Limits to review" list; no figures (they are published).
REASONS = {
    ("sustained_improvement", "run_of_7"):
        "Sustained improvement: the first run of 7 points on the improving side of the "
        "baseline mean begins here.",
    ("deterioration", "run_of_7"):
        "Deterioration: the first run of 7 points on the worsening side of the baseline mean "
        "begins here.",
    ("deterioration", "first_signal"):
        "Deterioration: no run of 7 on the worsening side; the first signal is here.",
    ("sustained_improvement", "first_signal"):
        "Sustained improvement: the first signal is here.",
}


def change_markers(changes: pl.DataFrame, links: pl.DataFrame) -> pl.DataFrame:
    """`changes`: project_id, cycle_no, implemented_date, is_adopted; `links`: project_id,
    measure_id, role, level, unit_code."""
    adopted = changes.filter(pl.col("is_adopted") & pl.col("implemented_date").is_not_null())
    return adopted.join(links, on="project_id", how="inner").select(
        "measure_id", "level", "unit_code", annotation_date=pl.col("implemented_date"),
        kind=pl.lit("change_adopted"), project_id=pl.col("project_id"),
        scope=pl.lit("project"), role=pl.col("role"), cycle_no=pl.col("cycle_no"),
        location_code=pl.lit(None, pl.String))


def spread_markers(spread: pl.DataFrame, links: pl.DataFrame) -> pl.DataFrame:
    """`spread`: project_id, csu_code, location_code, adopted_date."""
    measures = (links.filter(pl.col("level").is_in(SCOREBOARD_LEVELS))
                .select("project_id", "measure_id", "role").unique())
    return (
        spread.filter(pl.col("adopted_date").is_not_null())
        .join(measures, on="project_id", how="inner")
        .select("measure_id", level=pl.lit(SPREAD_LEVEL), unit_code=pl.col("csu_code"),
                annotation_date=pl.col("adopted_date"), kind=pl.lit("spread_adopted"),
                project_id=pl.col("project_id"), scope=pl.lit("spread"), role=pl.col("role"),
                cycle_no=pl.lit(None, pl.Int64), location_code=pl.col("location_code"))
    )


def markers(changes: pl.DataFrame, spread: pl.DataFrame, links: pl.DataFrame) -> pl.DataFrame:
    links = links.select("project_id", "measure_id", "role", "level", "unit_code")
    out = pl.concat([change_markers(changes, links), spread_markers(spread, links)],
                    how="vertical_relaxed")
    return out.select(list(MARKER_COLUMNS)).cast(MARKER_COLUMNS).unique(
        maintain_order=True).sort("measure_id", "level", "unit_code", "annotation_date",
                                  "project_id", "kind", nulls_last=True)


def rebase_proposals(verdicts: pl.DataFrame, rebase_dates: pl.DataFrame) -> pl.DataFrame:
    """`verdicts`: judge_with_points' verdicts (with rebase_basis); `rebase_dates`: the seed's
    measure_id, level, unit_code, rebase_date (a date). One row per proposal."""
    seed = rebase_dates.select("measure_id", "level", "unit_code",
                               proposed_from=pl.col("rebase_date"),
                               is_confirmed=pl.lit(True)).unique()
    reasons = pl.DataFrame(
        [{"verdict": v, "basis": b, "reason": r} for (v, b), r in REASONS.items()])
    return (
        verdicts.filter(pl.col("rebase_proposed_from").is_not_null())
        .rename({"rebase_proposed_from": "proposed_from", "rebase_basis": "basis"})
        .join(reasons, on=["verdict", "basis"], how="left")
        .join(seed, on=["measure_id", "level", "unit_code", "proposed_from"], how="left")
        .with_columns(pl.col("is_confirmed").fill_null(False))
        .select(list(PROPOSAL_COLUMNS)).cast(PROPOSAL_COLUMNS)
    )
