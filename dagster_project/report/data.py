"""Read the warehouse's `published` schema, and nothing else, so the report and a BI tool agree.

Defensive by design: a missing table or column reads as empty/null (and is noted), never a crash.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import duckdb
import polars as pl

from .quality_mark import QUALITY_COLUMNS, QUALITY_TABLE, read_staleness

from .register_tables import REPORT_TABLES

SCHEMA = "published"

# table -> the columns the report uses (others are ignored; missing ones read as null)
TABLES: dict[str, tuple[str, ...]] = {
    "spc_points": (
        "measure_id", "level", "unit_code", "chart_type", "period", "value", "mean", "lpl",
        "upl", "target", "rebase_group", "short_group_warning", "special_cause_type",
        "special_cause_flag", "point_type", "improvement_direction", "is_suppressed",
        "event_number", "is_provisional", "provisional_reason",
    ),
    "spc_summary": (
        "measure_id", "level", "unit_code", "chart_type", "direction", "n_points",
        "latest_period", "latest_value", "mean", "lpl", "upl", "target", "variation_icon",
        "assurance_icon", "special_cause_improvement", "special_cause_concern",
        "short_group_warning", "is_suppressed", "last_event_date", "days_since_last_event",
        "provisional_periods", "provisional_from",
    ),
    "spc_signals": (
        "measure_id", "level", "unit_code", "period", "special_cause_type", "point_type",
        "value", "detected_run_id", "detected_at",
    ),
    "dim_measure": (
        "measure_id", "measure_name", "domain", "unit", "direction", "default_target",
        "chart_type", "frequency", "description", "suppression",
    ),
    "dim_csu": ("csu_code", "csu_name", "org_code"),
    "scorecard_monthly": (
        "measure_id", "level", "unit_code", "period", "numerator", "denominator", "value",
        "target", "direction", "chart_type", "domain", "null_reason", "is_suppressed",
        "is_provisional", "provisional_reason",
    ),
    "check_summary": (
        "asset_key", "status", "checks", "checks_failed", "blocking_failed", "last_checked_at",
        "pass_rate_30d",
    ),
    "data_quality": (
        "extract", "files_loaded", "files_rejected", "rows_loaded", "rows_quarantined",
        "latest_extract_date", "last_loaded_at",
    ),
    # the improvement register: projects, PDSA log, spread, walks, events, verdicts, markers
    **REPORT_TABLES,
    QUALITY_TABLE: QUALITY_COLUMNS,  # a data-quality mark per measure and night
}

# Columns read where a table has them, and no note where it has not: what an older warehouse
# may lack without the report losing anything it needs.
OPTIONAL_COLUMNS: dict[str, tuple[str, ...]] = {
    # location history may repeat a CSU (the newest name per code is kept); the organisation's
    # name is optional in the reference extract
    "dim_csu": ("valid_from", "org_name"),
}

ORGANISATION = "organisation"
CSU = "csu"


@dataclass
class PublishedData:
    tables: dict[str, pl.DataFrame]
    notes: list[str] = field(default_factory=list)

    def __getitem__(self, name: str) -> pl.DataFrame:
        return self.tables[name]


def frame_rows(frame: pl.DataFrame) -> list[dict]:
    """A frame as dicts, NaN read as null (a missing value, as the pages treat it)."""
    return [{k: None if isinstance(v, float) and math.isnan(v) else v for k, v in row.items()}
            for row in frame.to_dicts()]


def _existing_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    rows = con.execute(
        "select column_name from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [SCHEMA, table],
    ).fetchall()
    return [r[0] for r in rows]


def read_published(con: duckdb.DuckDBPyConnection) -> PublishedData:
    """Every table the report needs, as polars frames with at least the expected columns."""
    tables: dict[str, pl.DataFrame] = {}
    notes: list[str] = []
    for table, wanted in TABLES.items():
        present = _existing_columns(con, table)
        extras = [c for c in OPTIONAL_COLUMNS.get(table, ()) if c in present]
        if not present:
            notes.append(f"published.{table} is missing: shown as empty")
            frame = pl.DataFrame({c: [] for c in wanted})
        else:
            cols = [c for c in (*wanted, *extras) if c in present]
            missing = [c for c in wanted if c not in present]
            if missing:
                notes.append(f"published.{table} lacks {', '.join(missing)}")
            select = ", ".join(f'"{c}"' for c in cols)
            frame = con.sql(f'select {select} from "{SCHEMA}"."{table}"').pl()
            if missing:
                frame = frame.with_columns(pl.lit(None).alias(c) for c in missing)
        tables[table] = frame
    tables["dim_csu"] = _distinct_csus(tables["dim_csu"])
    tables["staleness"] = read_staleness(con, SCHEMA)  # scorecard_latest, one row a measure
    return PublishedData(tables=tables, notes=notes)


def _distinct_csus(frame: pl.DataFrame) -> pl.DataFrame:
    schema = {"csu_code": pl.Utf8, "csu_name": pl.Utf8, "org_code": pl.Utf8, "org_name": pl.Utf8}
    if frame.is_empty():
        return pl.DataFrame({c: [] for c in schema}, schema=schema)
    frame = frame.filter(pl.col("csu_code").is_not_null())
    if "org_name" not in frame.columns:
        frame = frame.with_columns(org_name=pl.lit(None, pl.Utf8))
    order = ["csu_code", "valid_from"] if "valid_from" in frame.columns else ["csu_code"]
    return (
        frame.sort([*order, "csu_name"], nulls_last=False)
        .group_by("csu_code", maintain_order=True)
        .agg(pl.col("csu_name").drop_nulls().last(), pl.col("org_code").drop_nulls().last(),
             pl.col("org_name").drop_nulls().last())
        .select(pl.col(c).cast(t) for c, t in schema.items())
        .sort("csu_code")
    )


# Tables with one row per unit (organisation or CSU) that a report for one organisation narrows.
UNIT_TABLES = ("spc_points", "spc_summary", "spc_signals", "scorecard_monthly")


def organisations(data: PublishedData) -> list[str]:
    """The organisations in the published tables, in code order."""
    summary = data["spc_summary"]
    codes = set(summary.filter(pl.col("level") == ORGANISATION)["unit_code"].drop_nulls())
    codes |= set(data["dim_csu"]["org_code"].drop_nulls())
    return sorted(str(c) for c in codes)


def for_organisation(data: PublishedData, org_code: str | None = None) -> PublishedData:
    """The published tables narrowed to one organisation and its CSUs: the report is a trust's
    board report, also when the warehouse holds many trusts (a region, the nation).

    `org_code` None: the only organisation, or with several the first in code order (noted;
    REPORT_ORG_CODE chooses another)."""
    orgs = organisations(data)
    notes = list(data.notes)
    if org_code is None:
        if len(orgs) <= 1:
            return data
        org_code = orgs[0]
        notes.append(f"the warehouse holds {len(orgs)} organisations: this report is for "
                     f"{org_code} (set REPORT_ORG_CODE for another)")
    elif org_code not in orgs:
        notes.append(f"REPORT_ORG_CODE={org_code} is not in the published tables "
                     f"(organisations: {', '.join(orgs[:10])}{'…' if len(orgs) > 10 else ''})")
    csus = data["dim_csu"].filter(pl.col("org_code") == org_code)
    units = {org_code, *csus["csu_code"].to_list()}
    tables = dict(data.tables)
    tables["dim_csu"] = csus
    for name in UNIT_TABLES:
        tables[name] = tables[name].filter(pl.col("unit_code").is_in(list(units)))
    return PublishedData(tables=tables, notes=notes)
