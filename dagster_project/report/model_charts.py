"""The charts of the report model: one per published SPC summary row with its points, and a
plain run of values from the scorecard for a measure with no SPC chart (the yearly survey)."""

from __future__ import annotations

import polars as pl

from ..spc.attribute import EVENT_CHARTS
from .data import ORGANISATION, frame_rows
from .formatting import as_text, frequency_label, is_number
from .model import Chart, ChartKey, Measure, Unit

CHART_KEY = ("measure_id", "level", "unit_code", "chart_type")
Units = dict[tuple[str, str], Unit]


def unit_for(units: Units, level: str, code: str) -> Unit:
    """The unit of a (level, code), or one named by its code where no dimension names it."""
    return units.get((level, code)) or Unit(code, code, level)


def _point_order(points: pl.DataFrame) -> list[str]:
    """Points by period, and two events of one day by their number."""
    return [c for c in ("period", "event_number") if c in points.columns]


def _points_by_chart(points: pl.DataFrame) -> dict[ChartKey, list[dict]]:
    if points.is_empty():
        return {}
    groups = points.sort(_point_order(points), nulls_last=False).partition_by(
        list(CHART_KEY), as_dict=True)
    return {tuple(as_text(k) for k in key): frame_rows(frame)  # type: ignore[misc]
            for key, frame in groups.items()}


def _derived_summary(pts: list[dict]) -> dict:
    """Points without a summary row: their latest values stand in for it."""
    last = pts[-1]
    return {"latest_period": last.get("period"), "latest_value": last.get("value"),
            "mean": last.get("mean"), "lpl": last.get("lpl"), "upl": last.get("upl"),
            "target": last.get("target"), "n_points": len(pts)}


def spc_charts(summary: pl.DataFrame, points: pl.DataFrame, measures: dict[str, Measure],
               units: Units) -> list[Chart]:
    """One chart per summary row (or per group of points without one), each with its points;
    a unit's primary chart is its period chart, the catalogue's type first."""
    point_groups = _points_by_chart(points)
    summary_rows: dict[ChartKey, dict] = {
        tuple(as_text(row[c]) for c in CHART_KEY): row  # type: ignore[misc]
        for row in frame_rows(summary)}
    derived = {key: _derived_summary(pts) for key, pts in point_groups.items()
               if key not in summary_rows}
    summary_rows.update(derived)
    by_unit: dict[tuple[str, str, str], list[ChartKey]] = {}
    for key in summary_rows:
        by_unit.setdefault(key[:3], []).append(key)
    charts: list[Chart] = []
    for (mid, level, code), keys in by_unit.items():
        measure = measures[mid]
        # the period chart first (the catalogue's chart type if present); an event chart (g)
        # is never a unit's primary chart: it sits beside the monthly count
        keys.sort(key=lambda k: (k[3] in EVENT_CHARTS, k[3] != measure.chart_type, k[3]))
        unit = unit_for(units, level, code)
        for i, key in enumerate(keys):
            charts.append(Chart(measure, level, unit, key[3], point_groups.get(key, []),
                                summary_rows[key], primary=(i == 0),
                                in_summary=key not in derived))
    return charts


def _plain_chart(rows: list[dict], measure: Measure, unit: Unit) -> Chart:
    pts = [{"period": r["period"], "value": None if r.get("is_suppressed") else r.get("value"),
            "target": r.get("target"), "point_type": "common_cause",
            "null_reason": r.get("null_reason"), "is_suppressed": bool(r.get("is_suppressed"))}
           for r in rows]
    with_value = [p for p in pts if is_number(p["value"])]
    last = with_value[-1] if with_value else pts[-1]
    reason = (f"No SPC chart ({frequency_label(measure.frequency) or 'infrequent'} "
              "measure): latest value compared with its target or benchmark.")
    summary = {"latest_period": last["period"], "latest_value": last["value"],
               "target": last["target"], "is_suppressed": last["is_suppressed"],
               "n_points": len(pts)}
    return Chart(measure, unit.level, unit, as_text(rows[-1].get("chart_type"), "none"), pts,
                 summary, primary=True, no_spc_reason=reason, in_summary=False)


def plain_charts(scorecard: pl.DataFrame, measures: dict[str, Measure], units: Units,
                 org_code: str | None, spc_measures: set[str]) -> list[Chart]:
    """A run of values per unit for each measure that has no SPC chart at all."""
    if scorecard.is_empty():
        return []
    charts = []
    for key, frame in scorecard.sort("period").partition_by(
            ["measure_id", "level", "unit_code"], as_dict=True).items():
        mid, level, code = (as_text(k) for k in key)
        if mid in spc_measures or mid not in measures:
            continue
        if level == ORGANISATION and code != org_code:
            continue
        charts.append(_plain_chart(frame_rows(frame), measures[mid], unit_for(units, level, code)))
    return charts
