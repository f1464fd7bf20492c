"""What the pages show: measures, units and charts (model_build.py builds them).

A chart is one row of `published.spc_summary` with its points from `published.spc_points`. A
measure with no SPC chart (the yearly staff survey, chart type `none`) is shown from
`published.scorecard_monthly` as a plain run of values against its target or benchmark.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..spc.attribute import EVENT_CHARTS
from .data import CSU
from .formatting import (
    DOMAIN_LABELS,
    WITHHELD,
    format_value,
    is_number,
    slug,
    withheld_reason,
)
from .markers import Marker

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
    # its points read once for drawing (charts.ChartData), shared by the sizes it is drawn at
    drawing: object = field(default=None, repr=False, compare=False)

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
