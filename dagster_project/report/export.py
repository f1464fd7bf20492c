"""The summary as CSV, for board papers (each chart's PNG: png.py)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from .formatting import format_value
from .model import Chart

SUMMARY_COLUMNS = (
    "measure_id", "measure_name", "domain", "level", "unit_code", "unit_name", "chart_type",
    "direction", "n_points", "latest_period", "latest_value", "latest_value_display", "target",
    "target_display", "mean", "lpl", "upl", "variation_icon", "assurance_icon",
    "special_cause_improvement", "special_cause_concern", "short_group_warning",
    "is_suppressed", "last_event_date", "days_since_last_event",
)


def _csv_value(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return value


def write_summary_csv(charts: Sequence[Chart], path: Path) -> int:
    """One row per row of `published.spc_summary`, with names and display values added (a
    withheld latest value is empty, its display 'withheld')."""
    rows = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(SUMMARY_COLUMNS)
        for c in charts:
            if not c.in_summary:
                continue
            s = c.summary
            record = {
                "measure_id": c.measure.measure_id, "measure_name": c.measure.name,
                "domain": c.measure.domain, "level": c.level, "unit_code": c.unit.code,
                "unit_name": c.unit.name, "chart_type": c.chart_type,
                "direction": s.get("direction"), "n_points": s.get("n_points"),
                "latest_period": s.get("latest_period"), "latest_value": s.get("latest_value"),
                "latest_value_display": c.fmt("latest_value"),
                "target": s.get("target"),
                "target_display": format_value(s.get("target"), c.measure.unit),
                "mean": s.get("mean"), "lpl": s.get("lpl"), "upl": s.get("upl"),
                "variation_icon": s.get("variation_icon"),
                "assurance_icon": s.get("assurance_icon"),
                "special_cause_improvement": s.get("special_cause_improvement"),
                "special_cause_concern": s.get("special_cause_concern"),
                "short_group_warning": s.get("short_group_warning"),
                "is_suppressed": bool(s.get("is_suppressed")),
                "last_event_date": s.get("last_event_date"),
                "days_since_last_event": s.get("days_since_last_event"),
            }
            writer.writerow([_csv_value(record[k]) for k in SUMMARY_COLUMNS])
            rows += 1
    return rows
