"""What is judged, and from when (improvement-register.md, "Judging impact").

- scope `project`: every linked measure x unit of a project (qi_project_measures), from the
  project's intervention date (dim_qi_project.intervention_date: the earliest implemented_date
  of its adopted changes, else the earliest pdsa_start, else start_date);
- scope `spread`: every adopting CSU of qi_spread, from its adopted_date (the earliest of its
  locations'), on the CSU series of each scorecard measure the project links, whatever level the
  project linked it at. A project's local measure belongs to the project: it is not spread.
"""

from __future__ import annotations

import polars as pl

SCOREBOARD_LEVELS = ("organisation", "csu")
SPREAD_LEVEL = "csu"
KEY = ["project_id", "measure_id", "role", "level", "unit_code", "scope"]


def project_interventions(links: pl.DataFrame, projects: pl.DataFrame) -> pl.DataFrame:
    """`links`: project_id, measure_id, role, level, unit_code; `projects`: project_id,
    intervention_date. One row per link, scope `project`."""
    return (
        links.select("project_id", "measure_id", "role", "level", "unit_code")
        .unique(maintain_order=True)
        .join(projects.select("project_id", "intervention_date"), on="project_id", how="inner")
        .with_columns(scope=pl.lit("project"))
        .select(*KEY, "intervention_date")
    )


def spread_interventions(links: pl.DataFrame, spread: pl.DataFrame) -> pl.DataFrame:
    """`spread`: project_id, csu_code (adopting), adopted_date (null: not adopted yet). One row
    per project x scorecard measure x role x adopting CSU, scope `spread`."""
    adopting = (
        spread.filter(pl.col("adopted_date").is_not_null())
        .group_by("project_id", "csu_code")
        .agg(intervention_date=pl.col("adopted_date").min())
    )
    measures = (
        links.filter(pl.col("level").is_in(SCOREBOARD_LEVELS))
        .select("project_id", "measure_id", "role")
        .unique()
    )
    return (
        measures.join(adopting, on="project_id", how="inner")
        .select("project_id", "measure_id", "role", level=pl.lit(SPREAD_LEVEL),
                unit_code=pl.col("csu_code"), scope=pl.lit("spread"),
                intervention_date=pl.col("intervention_date"))
        .sort(KEY)
    )


def interventions(links: pl.DataFrame, projects: pl.DataFrame,
                  spread: pl.DataFrame) -> pl.DataFrame:
    """Every judgement of the register: project scope, then spread."""
    return pl.concat([project_interventions(links, projects),
                      spread_interventions(links, spread)], how="vertical_relaxed")
