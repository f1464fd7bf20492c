"""Build the report model from the published tables: the measures, the organisation and its
CSUs, the charts (model_charts.py), the new signals, the check results and the extracts."""

from __future__ import annotations

from datetime import date

import polars as pl

from .data import CSU, ORGANISATION, PublishedData, frame_rows
from .formatting import DOMAIN_ORDER, as_text, to_date
from .model import Chart, Measure, ReportModel, Unit
from .model_charts import CHART_KEY, Units, plain_charts, spc_charts
from .quality_mark import QUALITY_TABLE, latest_marks


def organisation_unit(code: str, name: str | None = None) -> Unit:
    """The organisation as the pages name it: 'Name (code)', or 'Organisation (code)' where no
    delivery of the reference extract names it."""
    return Unit(code, f"{name} ({code})" if name else f"Organisation ({code})", ORGANISATION)


def _catalogue_measure(row: dict) -> Measure:
    mid = as_text(row.get("measure_id"))
    return Measure(
        measure_id=mid, name=as_text(row.get("measure_name"), mid),
        domain=as_text(row.get("domain"), "other").lower(), unit=as_text(row.get("unit")),
        direction=as_text(row.get("direction"), "neutral").lower(),
        default_target=row.get("default_target"), chart_type=as_text(row.get("chart_type")),
        frequency=as_text(row.get("frequency"), "monthly").lower(),
        description=as_text(row.get("description")),
        suppression=as_text(row.get("suppression")).lower())


def _measures(data: PublishedData, frames: tuple[pl.DataFrame, ...]) -> dict[str, Measure]:
    """The catalogue, plus any measure the data has that the catalogue lacks, in domain order,
    each with its latest data-quality mark."""
    measures: dict[str, Measure] = {}
    for row in frame_rows(data["dim_measure"]):
        mid = as_text(row.get("measure_id"))
        if mid and mid not in measures:
            measures[mid] = _catalogue_measure(row)
    seen = set()
    for frame in frames:
        if "measure_id" in frame.columns:
            seen.update(v for v in frame["measure_id"].drop_nulls().unique().to_list())
    for mid in sorted(seen - set(measures)):
        measures[mid] = Measure(mid, mid, "other", "", "neutral", None, "", "monthly", "")
    marks = latest_marks(data.tables.get(QUALITY_TABLE, pl.DataFrame()))
    ordered = sorted(measures.values(),
                     key=lambda m: (DOMAIN_ORDER.get(m.domain, 99), m.domain, m.measure_id))
    for m in ordered:
        m.quality = marks.get(m.measure_id)
    return {m.measure_id: m for m in ordered}


def _units(data: PublishedData, frames: tuple[pl.DataFrame, ...]
           ) -> tuple[Unit | None, list[Unit], Units]:
    """The organisation (the first in code order), every CSU in the dimension or the data by
    name, and every unit by (level, code)."""
    dim = frame_rows(data["dim_csu"])
    names = {r["csu_code"]: r["csu_name"] or r["csu_code"] for r in dim}
    org_names = {r["org_code"]: r["org_name"] for r in dim if r.get("org_name")}
    org_codes: set[str] = set()
    csu_codes: set[str] = set(names)
    for frame in frames:
        if frame.is_empty():
            continue
        for level, code in frame.select("level", "unit_code").unique().drop_nulls().rows():
            (org_codes if level == ORGANISATION else csu_codes).add(code)
    csus = sorted((Unit(c, names.get(c, c), CSU) for c in csu_codes),
                  key=lambda u: (u.name.lower(), u.code))
    units: Units = {(CSU, u.code): u for u in csus}
    for code in org_codes:
        units[(ORGANISATION, code)] = organisation_unit(code, org_names.get(code))
    organisation = units[(ORGANISATION, min(org_codes))] if org_codes else None
    return organisation, csus, units


def _attach_staleness(data: PublishedData, org_code: str, measures: list[Measure]) -> None:
    staleness = data.tables.get("staleness")
    if staleness is None or staleness.is_empty():
        return
    stale = {r["measure_id"]: r for r in staleness.filter(
        (pl.col("level") == ORGANISATION) & (pl.col("unit_code") == org_code)).to_dicts()}
    for m in measures:
        m.staleness = stale.get(m.measure_id)


def _signals(data: PublishedData, measures: dict[str, Measure], units: Units,
             order: dict[str, int]) -> list[dict]:
    """New special causes with their measure and unit, by measure, organisation first."""
    signals = []
    for row in frame_rows(data["spc_signals"]):
        unit = units.get((as_text(row.get("level")), as_text(row.get("unit_code"))))
        signals.append({**row, "measure": measures.get(as_text(row.get("measure_id"))),
                        "unit_name": unit.name if unit else as_text(row.get("unit_code")),
                        "unit_page": unit.page if unit else None})
    signals.sort(key=lambda s: (order.get(as_text(s.get("measure_id")), 999),
                                s.get("level") != ORGANISATION, s["unit_name"],
                                str(s.get("period"))))
    return signals


def _checks(data: PublishedData) -> list[dict]:
    """Check results per asset, failing first, then warning."""
    return sorted(frame_rows(data["check_summary"]), key=lambda r: (
        {"fail": 0, "warn": 1}.get(as_text(r.get("status")).lower(), 2),
        as_text(r.get("asset_key"))))


def _extracts(data: PublishedData, as_of: date) -> list[dict]:
    """Each extract's loads, with the age of its latest delivery on `as_of`."""
    dq = sorted(frame_rows(data["data_quality"]), key=lambda r: as_text(r.get("extract")))
    for row in dq:
        latest = to_date(row.get("latest_extract_date"))
        row["age_days"] = (as_of - latest).days if latest else None
    return dq


def _sorted_charts(charts: list[Chart], order: dict[str, int], csus: list[Unit]) -> list[Chart]:
    """By measure, the organisation first, CSUs by name, a unit's primary chart first."""
    unit_order = {u.code: i for i, u in enumerate(csus)}
    return sorted(charts, key=lambda c: (order[c.measure.measure_id], c.level != ORGANISATION,
                                         unit_order.get(c.unit.code, -1), not c.primary,
                                         c.chart_type))


def build_model(data: PublishedData, as_of: date | None = None) -> ReportModel:
    summary, points, scorecard = (
        data[name].with_columns(pl.col(c).cast(pl.Utf8) for c in CHART_KEY)
        for name in ("spc_summary", "spc_points", "scorecard_monthly"))
    measures = _measures(data, (summary, points, scorecard))
    organisation, csus, units = _units(data, (summary, scorecard))
    org_code = organisation.code if organisation else None
    if org_code:
        _attach_staleness(data, org_code, list(measures.values()))
    charts = spc_charts(summary, points, measures, units)
    spc_measures = {c.measure.measure_id for c in charts}
    charts += plain_charts(scorecard, measures, units, org_code, spc_measures)
    order = {mid: i for i, mid in enumerate(measures)}
    as_of = as_of or date.today()
    return ReportModel(measures=list(measures.values()), organisation=organisation, csus=csus,
                       charts=_sorted_charts(charts, order, csus),
                       signals=_signals(data, measures, units, order), checks=_checks(data),
                       data_quality=_extracts(data, as_of), notes=list(data.notes), as_of=as_of)
