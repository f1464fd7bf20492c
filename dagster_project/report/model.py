"""Turn the published tables into what the pages show: measures, units and charts.

A chart is one row of `published.spc_summary` with its points from `published.spc_points`. A
measure with no SPC chart (the yearly staff survey, chart type `none`) is shown from
`published.scorecard_monthly` as a plain run of values against its target or benchmark.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import polars as pl

from ..spc.attribute import EVENT_CHARTS
from .data import CSU, ORGANISATION, PublishedData, frame_rows
from .quality_mark import QUALITY_TABLE, latest_marks
from .markers import Marker
from .formatting import (
    DOMAIN_LABELS,
    DOMAIN_ORDER,
    WITHHELD,
    as_text,
    format_value,
    frequency_label,
    is_number,
    slug,
    to_date,
    withheld_reason,
)

ChartKey = tuple[str, str, str, str]  # measure_id, level, unit_code, chart_type


@dataclass
class Measure:
    measure_id: str
    name: str
    domain: str
    unit: str
    direction: str
    default_target: object
    chart_type: str
    frequency: str
    description: str
    suppression: str = ""
    quality: dict | None = None  # the latest data-quality mark (published.measure_data_quality)
    staleness: dict | None = None  # the organisation's is_stale / age_days

    @property
    def withheld_reason(self) -> str:
        """What a withheld point of this measure says instead of its value."""
        return withheld_reason(self.suppression)

    @property
    def domain_label(self) -> str:
        return DOMAIN_LABELS.get(self.domain, self.domain.title() or "Other")

    @property
    def page(self) -> str:
        return f"measures/{slug(self.measure_id)}.html"


@dataclass
class Unit:
    code: str
    name: str
    level: str

    @property
    def page(self) -> str | None:
        return f"csus/{slug(self.code)}.html" if self.level == CSU else None


@dataclass
class Chart:
    measure: Measure
    level: str
    unit: Unit
    chart_type: str
    points: list[dict]
    summary: dict
    primary: bool = True
    no_spc_reason: str | None = None
    in_summary: bool = True  # a row of published.spc_summary (False: derived for display)
    # QI interventions on this chart (published.spc_annotations; register.py attaches them)
    markers: list[Marker] = field(default_factory=list)

    @property
    def stem(self) -> str:
        base = f"{slug(self.measure.measure_id)}__{slug(self.level)}__{slug(self.unit.code)}"
        return base if self.primary else f"{base}__{slug(self.chart_type)}"

    @property
    def chart_id(self) -> str:
        return "c-" + self.stem.replace(".", "_")

    @property
    def variation_icon(self) -> str | None:
        return self.summary.get("variation_icon")

    @property
    def assurance_icon(self) -> str | None:
        return self.summary.get("assurance_icon")

    def fmt(self, key: str) -> str:
        if key == "latest_value" and self.summary.get("is_suppressed"):
            return WITHHELD
        return format_value(self.summary.get(key), self.measure.unit)

    @property
    def target_comparison(self) -> str:
        """For a chart without SPC: the latest value against its target or benchmark."""
        value, target = self.summary.get("latest_value"), self.summary.get("target")
        if not (is_number(value) and is_number(target)):
            return ""
        better = {"increase": value >= target, "decrease": value <= target}.get(
            self.measure.direction)
        if better is None:
            return ""
        return "Meets target/benchmark" if better else "Below target/benchmark"


@dataclass
class ReportModel:
    measures: list[Measure]
    organisation: Unit | None
    csus: list[Unit]
    charts: list[Chart]
    signals: list[dict]
    checks: list[dict]
    data_quality: list[dict]
    notes: list[str] = field(default_factory=list)
    as_of: date | None = None

    def chart_for(self, measure_id: str, level: str, unit_code: str) -> Chart | None:
        return self._primary.get((measure_id, level, unit_code))

    def event_chart_for(self, measure_id: str, level: str, unit_code: str) -> Chart | None:
        """The chart of the time between a rare-event measure's events (g), if published."""
        return next((c for c in self.charts if c.chart_type in EVENT_CHARTS
                     and (c.measure.measure_id, c.level, c.unit.code)
                     == (measure_id, level, unit_code)), None)

    def charts_for_measure(self, measure_id: str) -> list[Chart]:
        return [c for c in self.charts if c.measure.measure_id == measure_id]

    def charts_for_unit(self, level: str, unit_code: str) -> list[Chart]:
        return [c for c in self.charts
                if c.level == level and c.unit.code == unit_code and c.primary]

    def measures_by_domain(self) -> list[tuple[str, str, list[Measure]]]:
        out: list[tuple[str, str, list[Measure]]] = []
        for m in self.measures:
            if not out or out[-1][0] != m.domain:
                out.append((m.domain, m.domain_label, []))
            out[-1][2].append(m)
        return out

    def __post_init__(self) -> None:
        self._primary = {(c.measure.measure_id, c.level, c.unit.code): c
                         for c in self.charts if c.primary}


def _point_order(points: pl.DataFrame) -> list[str]:
    """Points by period, and two events of one day by their number."""
    return [c for c in ("period", "event_number") if c in points.columns]


def build_model(data: PublishedData, as_of: date | None = None) -> ReportModel:
    dim = frame_rows(data["dim_measure"])
    summary = data["spc_summary"].with_columns(
        pl.col(c).cast(pl.Utf8) for c in ("measure_id", "level", "unit_code", "chart_type"))
    points = data["spc_points"].with_columns(
        pl.col(c).cast(pl.Utf8) for c in ("measure_id", "level", "unit_code", "chart_type"))
    scorecard = data["scorecard_monthly"].with_columns(
        pl.col(c).cast(pl.Utf8) for c in ("measure_id", "level", "unit_code", "chart_type"))

    # measures: the catalogue, plus any measure the data has that the catalogue lacks
    measures: dict[str, Measure] = {}
    for row in dim:
        mid = as_text(row.get("measure_id"))
        if not mid or mid in measures:
            continue
        measures[mid] = Measure(
            measure_id=mid, name=as_text(row.get("measure_name"), mid),
            domain=as_text(row.get("domain"), "other").lower(), unit=as_text(row.get("unit")),
            direction=as_text(row.get("direction"), "neutral").lower(),
            default_target=row.get("default_target"), chart_type=as_text(row.get("chart_type")),
            frequency=as_text(row.get("frequency"), "monthly").lower(),
            description=as_text(row.get("description")),
            suppression=as_text(row.get("suppression")).lower())
    seen = set()
    for frame in (summary, points, scorecard):
        if "measure_id" in frame.columns:
            seen.update(v for v in frame["measure_id"].drop_nulls().unique().to_list())
    for mid in sorted(seen - set(measures)):
        measures[mid] = Measure(mid, mid, "other", "", "neutral", None, "", "monthly", "")
    ordered = sorted(measures.values(),
                     key=lambda m: (DOMAIN_ORDER.get(m.domain, 99), m.domain, m.measure_id))
    marks = latest_marks(data.tables.get(QUALITY_TABLE, pl.DataFrame()))
    for m in ordered:
        m.quality = marks.get(m.measure_id)

    # units: the organisation and every CSU in the dimension or the data
    names = {r["csu_code"]: r["csu_name"] or r["csu_code"] for r in frame_rows(data["dim_csu"])}
    org_codes: set[str] = set()
    csu_codes: set[str] = set(names)
    for frame in (summary, scorecard):
        if frame.is_empty():
            continue
        pairs = frame.select("level", "unit_code").unique().drop_nulls().rows()
        for level, code in pairs:
            (org_codes if level == ORGANISATION else csu_codes).add(code)
    org_code = sorted(org_codes)[0] if org_codes else None
    organisation = Unit(org_code, f"Organisation ({org_code})", ORGANISATION) if org_code else None
    staleness = data.tables.get("staleness")
    if org_code and staleness is not None and not staleness.is_empty():
        stale = {r["measure_id"]: r for r in staleness.filter(
            (pl.col("level") == ORGANISATION) & (pl.col("unit_code") == org_code)).to_dicts()}
        for m in ordered:
            m.staleness = stale.get(m.measure_id)
    csus = sorted((Unit(c, names.get(c, c), CSU) for c in csu_codes),
                  key=lambda u: (u.name.lower(), u.code))
    units = {(CSU, u.code): u for u in csus}
    for code in org_codes:
        units[(ORGANISATION, code)] = Unit(code, f"Organisation ({code})", ORGANISATION)

    # SPC charts: one per summary row, with its points
    point_groups: dict[ChartKey, list[dict]] = {}
    if not points.is_empty():
        for key, frame in points.sort(_point_order(points), nulls_last=False).partition_by(
                ["measure_id", "level", "unit_code", "chart_type"], as_dict=True).items():
            point_groups[tuple(as_text(k) for k in key)] = frame_rows(frame)  # type: ignore[index]
    summary_rows: dict[ChartKey, dict] = {}
    derived: set[ChartKey] = set()
    for row in frame_rows(summary):
        key = (as_text(row["measure_id"]), as_text(row["level"]), as_text(row["unit_code"]),
               as_text(row["chart_type"]))
        summary_rows[key] = row
    for key, pts in point_groups.items():
        if key not in summary_rows:  # points without a summary: derive the latest values
            last = pts[-1]
            derived.add(key)
            summary_rows[key] = {"latest_period": last.get("period"),
                                 "latest_value": last.get("value"), "mean": last.get("mean"),
                                 "lpl": last.get("lpl"), "upl": last.get("upl"),
                                 "target": last.get("target"), "n_points": len(pts)}
    charts: list[Chart] = []
    by_unit: dict[tuple[str, str, str], list[ChartKey]] = {}
    for key in summary_rows:
        by_unit.setdefault(key[:3], []).append(key)
    for (mid, level, code), keys in by_unit.items():
        measure = measures[mid]
        # the period chart first (the catalogue's chart type if present); an event chart (g)
        # is never a unit's primary chart: it sits beside the monthly count
        keys.sort(key=lambda k: (k[3] in EVENT_CHARTS, k[3] != measure.chart_type, k[3]))
        unit = units.get((level, code)) or Unit(code, code, level)
        for i, key in enumerate(keys):
            charts.append(Chart(measure, level, unit, key[3], point_groups.get(key, []),
                                summary_rows[key], primary=(i == 0),
                                in_summary=key not in derived))

    # measures without any SPC chart: a plain run of values from the scorecard
    spc_measures = {key[0] for key in by_unit}
    if not scorecard.is_empty():
        for key, frame in scorecard.sort("period").partition_by(
                ["measure_id", "level", "unit_code"], as_dict=True).items():
            mid, level, code = (as_text(k) for k in key)
            if mid in spc_measures or mid not in measures:
                continue
            if level == ORGANISATION and code != org_code:
                continue
            rows = frame_rows(frame)
            pts = [{"period": r["period"], "value": None if r.get("is_suppressed") else
                    r.get("value"), "target": r.get("target"), "point_type": "common_cause",
                    "null_reason": r.get("null_reason"),
                    "is_suppressed": bool(r.get("is_suppressed"))} for r in rows]
            with_value = [p for p in pts if is_number(p["value"])]
            last = with_value[-1] if with_value else pts[-1]
            measure = measures[mid]
            unit = units.get((level, code)) or Unit(code, code, level)
            reason = (f"No SPC chart ({frequency_label(measure.frequency) or 'infrequent'} "
                      "measure): latest value compared with its target or benchmark.")
            charts.append(Chart(measure, level, unit, as_text(rows[-1].get("chart_type"), "none"),
                                pts, {"latest_period": last["period"],
                                      "latest_value": last["value"], "target": last["target"],
                                      "is_suppressed": last["is_suppressed"],
                                      "n_points": len(pts)}, primary=True,
                                no_spc_reason=reason, in_summary=False))

    order = {m.measure_id: i for i, m in enumerate(ordered)}
    unit_order = {u.code: i for i, u in enumerate(csus)}
    charts.sort(key=lambda c: (order[c.measure.measure_id], c.level != ORGANISATION,
                               unit_order.get(c.unit.code, -1), not c.primary, c.chart_type))

    signals = []
    for row in frame_rows(data["spc_signals"]):
        measure = measures.get(as_text(row.get("measure_id")))
        unit = units.get((as_text(row.get("level")), as_text(row.get("unit_code"))))
        signals.append({**row, "measure": measure,
                        "unit_name": unit.name if unit else as_text(row.get("unit_code")),
                        "unit_page": unit.page if unit else None})
    signals.sort(key=lambda s: (order.get(as_text(s.get("measure_id")), 999),
                                s.get("level") != ORGANISATION, s["unit_name"],
                                str(s.get("period"))))

    checks = sorted(frame_rows(data["check_summary"]), key=lambda r: (
        {"fail": 0, "warn": 1}.get(as_text(r.get("status")).lower(), 2),
        as_text(r.get("asset_key"))))
    dq = sorted(frame_rows(data["data_quality"]), key=lambda r: as_text(r.get("extract")))
    as_of = as_of or date.today()
    for row in dq:
        latest = to_date(row.get("latest_extract_date"))
        row["age_days"] = (as_of - latest).days if latest else None

    return ReportModel(measures=ordered, organisation=organisation, csus=csus, charts=charts,
                       signals=signals, checks=checks, data_quality=dq, notes=list(data.notes),
                       as_of=as_of)
