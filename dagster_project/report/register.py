"""The improvement register as the report shows it, built from the published tables only:
projects with their PDSA log, linked measures and verdicts, spread, waste walks, events, the
rebase proposals ("Limits to review"), and the intervention markers put on the SPC charts.

The register publishes no free text below organisation level (publish/register_tables.py), so a
project is named by its id and described by its codes: CSU, strategy goal, stage, and an aim
phrased from its linked outcome measures and their targets.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date


from ..improvement.tables import ANNOTATIONS, PROPOSALS, PUBLISHED_IMPACT
from ..publish import register_tables as pub
from .data import PublishedData, frame_rows
from .formatting import as_text, format_datetime, format_value, is_number, slug, to_date
from .markers import Marker
from .model import Measure, ReportModel

IMPROVEMENT_DIR = "improvement"  # the portfolio and project pages, under the report folder
# a closed or abandoned project keeps its page this long after its end date
RECENTLY_CLOSED_DAYS = 366
STAGES = ("idea", "planning", "testing", "implementing", "spreading", "sustaining", "closed",
          "abandoned")
GOALS = ("safety", "partnership", "capability", "culture", "measurement", "spread", "waste")
VERDICT_ORDER = ("sustained_improvement", "improvement_not_sustained", "change_detected",
                 "no_significant_change", "deterioration", "insufficient_data")
VERDICT_LABELS = {
    "sustained_improvement": "Sustained improvement",
    "improvement_not_sustained": "Improvement, not sustained",
    "change_detected": "Change detected",
    "no_significant_change": "No significant change",
    "deterioration": "Deterioration",
    "insufficient_data": "Too early to judge",
}
VERDICT_CLASS = {"sustained_improvement": "improvement", "improvement_not_sustained": "improvement",
                 "deterioration": "concern", "change_detected": "neutral"}
ROLE_ORDER = {"outcome": 0, "process": 1, "balancing": 2}


def verdict_words(v: dict, measure: Measure | None) -> str:
    """The verdict of one impact row in plain words (docs/improvement-register.md)."""
    verdict = as_text(v.get("verdict"))
    unit = measure.unit if measure else None
    first = format_datetime(v.get("first_signal_period"))
    post, base = v.get("post_points"), v.get("baseline_points")
    if verdict == "insufficient_data":
        return (f"Too early to judge: {base or 0} point(s) before the change (12 needed) and "
                f"{post or 0} since it (7 needed).")
    if verdict == "sustained_improvement":
        text = ("Sustained improvement: the first signal after the change was an improvement"
                f"{' (' + first + ')' if v.get('first_signal_period') else ''}, and the latest 7 "
                "points all lie on the better side of the mean before it.")
    elif verdict == "improvement_not_sustained":
        text = ("Improvement, not sustained: the first signal after the change was an "
                f"improvement{' (' + first + ')' if v.get('first_signal_period') else ''}, but "
                "the latest 7 points are not all on the better side of the mean before it.")
    elif verdict == "deterioration":
        text = ("Deterioration: the first signal after the change was in the worse direction"
                f"{' (' + first + ')' if v.get('first_signal_period') else ''}.")
    elif verdict == "change_detected":
        text = ("A change was detected (this measure has no better direction"
                f"{', first signal ' + first if v.get('first_signal_period') else ''}).")
    else:
        text = ("No significant change: none of the four SPC rules flagged a point after the "
                "change against the limits before it.")
    if v.get("is_suppressed"):
        return text + " Means and limits are withheld: the series includes small numbers."
    if is_number(v.get("baseline_mean")) and is_number(v.get("post_mean")):
        text += (f" Mean {format_value(v['baseline_mean'], unit)} over {base} points before, "
                 f"{format_value(v['post_mean'], unit)} over {post} points since")
        rel = v.get("relative_effect")
        text += f" ({rel * 100:+.0f}%)." if is_number(rel) and math.isfinite(rel) else "."
    return text


@dataclass
class Project:
    row: dict
    csu_name: str
    changes: list[dict] = field(default_factory=list)
    links: list[dict] = field(default_factory=list)  # qi_project_measures rows
    impacts: list[dict] = field(default_factory=list)  # qi_impact rows (project and spread)
    spread: list[dict] = field(default_factory=list)
    has_page: bool = False

    @property
    def project_id(self) -> str:
        return as_text(self.row.get("project_id"))

    @property
    def page(self) -> str:
        return f"{IMPROVEMENT_DIR}/{slug(self.project_id)}.html"

    @property
    def stage(self) -> str:
        return as_text(self.row.get("stage"))

    @property
    def involvement(self) -> bool:
        return bool(self.row.get("patients_involved") or self.row.get("quality_partner_involved"))

    def outcome_verdicts(self) -> list[str]:
        return [as_text(v.get("verdict")) for v in self.impacts
                if v.get("scope") == "project" and v.get("role") == "outcome"]


@dataclass
class RegisterModel:
    projects: list[Project]
    walks: list[dict]
    events: list[dict]
    proposals: list[dict]
    measures: dict[str, Measure]
    csu_names: dict[str, str]
    local_series: dict[tuple[str, str], list[dict]]
    as_of: date

    @property
    def empty(self) -> bool:
        return not self.projects and not self.walks and not self.events

    @property
    def paged(self) -> list[Project]:
        return [p for p in self.projects if p.has_page]


def _has_page(row: dict, as_of: date) -> bool:
    if row.get("is_active"):
        return True
    end = to_date(row.get("end_date"))
    return (as_text(row.get("stage")) in ("closed", "abandoned") and end is not None
            and 0 <= (as_of - end).days <= RECENTLY_CLOSED_DAYS)


def build_register(data: PublishedData, model: ReportModel) -> RegisterModel:
    """The register from the published tables; attaches intervention markers to the charts of
    `model` (published.spc_annotations) as a side effect."""
    as_of = model.as_of or date.today()
    csu_names = {u.code: u.name for u in model.csus}
    measures = {m.measure_id: m for m in model.measures}
    by_project: dict[str, Project] = {}
    projects = frame_rows(data[pub.QI_PROJECTS])
    for row in sorted(projects, key=lambda r: as_text(r.get("project_id"))):
        code = as_text(row.get("csu_code"))
        p = Project(row, csu_names.get(code, code))
        p.has_page = _has_page(row, as_of)
        by_project[p.project_id] = p
    for name, attr in ((pub.QI_PDSA_LOG, "changes"), (pub.QI_PROJECT_MEASURES, "links"),
                       (PUBLISHED_IMPACT[1], "impacts"), (pub.QI_SPREAD, "spread")):
        for row in frame_rows(data[name]):
            p = by_project.get(as_text(row.get("project_id")))
            if p is not None:
                getattr(p, attr).append(row)
    for p in by_project.values():
        p.changes.sort(key=lambda r: (r.get("cycle_no") or 0))
        p.links.sort(key=lambda r: (ROLE_ORDER.get(as_text(r.get("role")), 9),
                                    as_text(r.get("measure_id"))))
        p.impacts.sort(key=lambda r: (r.get("scope") != "project",
                                      ROLE_ORDER.get(as_text(r.get("role")), 9),
                                      as_text(r.get("measure_id")), as_text(r.get("unit_code"))))
        p.spread.sort(key=lambda r: (as_text(r.get("csu_code")), as_text(r.get("location_code"))))

    local: dict[tuple[str, str], list[dict]] = {}
    for row in frame_rows(data[pub.QI_LOCAL_MEASURE_VALUES].sort("period")):
        key = (as_text(row.get("project_id")), as_text(row.get("measure_code")))
        local.setdefault(key, []).append(row)

    attach_markers(model, frame_rows(data[ANNOTATIONS[1]]))
    proposals = sorted(frame_rows(data[PROPOSALS[1]]), key=lambda r: (
        bool(r.get("is_confirmed")), as_text(r.get("project_id")), as_text(r.get("measure_id")),
        as_text(r.get("unit_code"))))
    walks = sorted(frame_rows(data[pub.WASTE_WALKS]), key=lambda r: as_text(r.get("walk_date")))
    events = sorted(frame_rows(data[pub.IMPROVEMENT_EVENTS]),
                    key=lambda r: as_text(r.get("event_date")))
    return RegisterModel(projects=list(by_project.values()), walks=walks, events=events,
                         proposals=proposals, measures=measures, csu_names=csu_names,
                         local_series=local, as_of=as_of)


def annotation_marker(row: dict) -> Marker | None:
    when = to_date(row.get("annotation_date"))
    if when is None:
        return None
    kind = as_text(row.get("kind"))
    if kind == "change_adopted" and row.get("cycle_no") is not None:
        detail = f"PDSA cycle {row['cycle_no']}"
    elif kind == "spread_adopted":
        detail = f"ward {row['location_code']}" if row.get("location_code") else "whole CSU"
    else:
        detail = ""
    return Marker(when, kind, as_text(row.get("project_id")), detail)


def attach_markers(model: ReportModel, annotations: list[dict]) -> None:
    """Every published annotation on the charts of its measure, level and unit (each chart
    type of it), once per project, kind and date."""
    by_key: dict[tuple[str, str, str], set[Marker]] = {}
    for row in annotations:
        marker = annotation_marker(row)
        if marker is not None:
            key = (as_text(row.get("measure_id")), as_text(row.get("level")),
                   as_text(row.get("unit_code")))
            by_key.setdefault(key, set()).add(marker)
    for chart in model.charts:
        found = by_key.get((chart.measure.measure_id, chart.level, chart.unit.code))
        if found:
            chart.markers = sorted(found, key=lambda m: m.order)
