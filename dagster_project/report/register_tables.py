"""The published tables of the improvement register that the report reads, with the columns it
uses (data.py reads them like every other table: missing ones read as empty, noted)."""

from __future__ import annotations

from ..improvement.tables import ANNOTATIONS, PROPOSALS, PUBLISHED_IMPACT
from ..publish import register_tables as pub

REPORT_TABLES: dict[str, tuple[str, ...]] = {
    pub.QI_PROJECTS: (
        "project_id", "csu_code", "location_code", "strategy_goal", "stage", "progress_score",
        "lead_staff_group", "quality_partner_involved", "patients_involved", "start_date",
        "end_date", "presented_at", "is_active", "intervention_date", "intervention_basis",
        "cycles", "adopted_changes", "stage_since",
    ),
    pub.QI_PDSA_LOG: ("project_id", "cycle_no", "pdsa_start", "pdsa_end", "decision",
                      "implemented_date", "is_adopted"),
    pub.QI_PROJECT_MEASURES: ("project_id", "measure_id", "role", "level", "unit_code",
                              "target", "is_local"),
    pub.QI_LOCAL_MEASURE_VALUES: ("project_id", "measure_code", "direction", "frequency",
                                  "period", "value"),
    pub.QI_SPREAD: ("project_id", "csu_code", "location_code", "status", "adopted_date",
                    "lead_csu_code", "is_adopted"),
    pub.WASTE_WALKS: ("walk_id", "walk_date", "walk_month", "csu_code", "waste_type",
                      "observations", "actions_raised", "actions_completed"),
    pub.IMPROVEMENT_EVENTS: ("event_id", "event_date", "event_type", "attendees",
                             "executive_present", "partner_organisations",
                             "projects_presented_count"),
    PUBLISHED_IMPACT[1]: (
        "project_id", "measure_id", "role", "level", "unit_code", "scope", "intervention_date",
        "baseline_points", "baseline_mean", "baseline_lpl", "baseline_upl", "post_points",
        "post_mean", "effect", "relative_effect", "first_signal_period", "verdict",
        "rebase_proposed_from", "is_suppressed",
    ),
    ANNOTATIONS[1]: ("measure_id", "level", "unit_code", "annotation_date", "kind",
                     "project_id", "scope", "role", "cycle_no", "location_code"),
    PROPOSALS[1]: ("project_id", "measure_id", "role", "level", "unit_code", "scope",
                   "intervention_date", "verdict", "proposed_from", "basis", "reason",
                   "is_confirmed", "is_suppressed"),
}
