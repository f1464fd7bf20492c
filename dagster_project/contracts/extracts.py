"""Every extract's contract, declared once (docs/extracts.md is generated from them).

Order matters: reference extracts come first so that later extracts can be checked against them.
"""

from __future__ import annotations

from .catalogue import catalogue_measure_ids
from .model import Column, Contract, Reference, RowRule

NRLS_CATEGORIES = (
    "access_admission_transfer_discharge", "clinical_assessment",
    "consent_communication_confidentiality", "disruptive_aggressive_behaviour", "documentation",
    "implementation_of_care", "infection_control", "infrastructure", "medical_device",
    "medication", "patient_abuse", "patient_accident", "self_harm", "treatment_procedure", "other",
)
HARM_LEVELS = ("none", "low", "moderate", "severe", "fatal")
ESR_STAFF_GROUPS = (
    "add_prof_scientific_technical", "additional_clinical_services", "administrative_clerical",
    "allied_health_professionals", "estates_ancillary", "healthcare_scientists", "medical_dental",
    "nursing_midwifery_registered", "students",
)
CSTF_COMPETENCES = (
    "CSTF_CONFLICT", "CSTF_EQUALITY", "CSTF_FIRE", "CSTF_HEALTH_SAFETY", "CSTF_INFECTION",
    "CSTF_INFO_GOV", "CSTF_MOVING_HANDLING", "CSTF_PREVENT", "CSTF_RESUS",
    "CSTF_SAFEGUARD_ADULTS", "CSTF_SAFEGUARD_CHILDREN",
)
FFT_SETTINGS = ("inpatient", "ae", "maternity", "outpatient", "community", "mental_health")
FFT_ANSWERS = ("very_good", "good", "neither", "poor", "very_poor", "dont_know")
PULSE_ANSWERS = ("strongly_disagree", "disagree", "neither", "agree", "strongly_agree")
STAFF_SURVEY_THEMES = tuple(f"PP{i}" for i in range(1, 8)) + ("ENGAGEMENT", "MORALE")
IMPROVEMENT_PROGRAMMES = (
    "IMPROVEMENT_FOUNDATIONS", "IMPROVEMENT_PRACTITIONER", "LEAN_FOR_LEADERS",
    "DATA_FOR_IMPROVEMENT", "DAILY_MANAGEMENT", "RPIW_PARTICIPANT", "IMPROVEMENT_SPECIALIST",
    "COACHING_SESSION",
)
LEAN_WASTES = (
    "defects", "overproduction", "waiting", "non_utilised_talent", "transportation", "inventory",
    "motion", "extra_processing",
)

# The improvement register (docs/improvement-register.md): the strategy's seven goals, a
# project's life stages and the stages in which it counts as active (M09, M10).
STRATEGY_GOALS = (
    "safety", "partnership", "capability", "culture", "measurement", "spread", "waste",
)
QI_STAGES = (
    "idea", "planning", "testing", "implementing", "spreading", "sustaining", "closed",
    "abandoned",
)
QI_ACTIVE_STAGES = ("testing", "implementing", "spreading", "sustaining")
QI_PRESENTED_AT = (
    "none", "report_out", "network_event", "national_conference", "international_conference",
)
QI_EVENT_TYPES = (
    "report_out", "network_event", "waste_conference", "celebration", "system_event",
)
QI_PROJECT_ID = r"QI-\d+"
LOCAL_MEASURE_CODE = r"L-[A-Za-z0-9_]+"

MONTH = r"\d{4}-(0[1-9]|1[0-2])"
# A code or id (site, CSU, ward, person key, scheme...): anything but the key separator `|` and
# control characters, which would cut a key joined for display or break a log line.
CODE = r"[^|\x00-\x1F\x7F-\x9F]+"
QUARTER = r"\d{4}-Q[1-4]"
# Counts and money far beyond anything a trust reports are typos or overflows, not data.
MAX_COUNT = 10_000_000
MAX_GBP = 1_000_000_000


def _count(name: str, required: bool = True) -> Column:
    return Column(name, "int", required=required, min=0, max=MAX_COUNT)


def _code(name: str, required: bool = True) -> Column:
    return Column(name, "text", required=required, pattern=CODE)


def _csu_refs(*columns: str) -> tuple[Reference, ...]:
    return tuple(Reference(c, "org_structure", c) for c in columns)


ORG_STRUCTURE = Contract(
    name="org_structure",
    family="reference",
    description="Sites, CSUs and wards/locations, with the dates a location belonged to a CSU.",
    columns=(
        Column("org_code", "text", pattern=r"[A-Z0-9]{3,5}"),
        # optional (added after the first release): the report names the trust by it
        Column("org_name", "text", required=False),
        _code("site_code"),
        Column("site_name", "text"),
        _code("csu_code"),
        Column("csu_name", "text"),
        _code("location_code"),
        Column("location_name", "text"),
        Column("valid_from", "date"),
        Column("valid_to", "date", required=False),
    ),
    key=("location_code", "valid_from"),
    rules=(RowRule("valid_to_after_valid_from", "valid_to", "valid_to >= valid_from"),),
)

ACTIVITY = Contract(
    name="activity",
    family="reference",
    description="Monthly activity by CSU: the denominators for rates.",
    columns=(
        Column("month", "month", pattern=MONTH),
        _code("csu_code"),
        _count("occupied_bed_days"),
        _count("admissions"),
        _count("discharges"),
        _count("ae_attendances"),
        _count("ae_within_4h"),
    ),
    key=("month", "csu_code"),
    rules=(RowRule("ae_within_4h_le_attendances", "ae_within_4h",
                   "ae_within_4h <= ae_attendances"),),
    references=_csu_refs("csu_code"),
)

WORKFORCE = Contract(
    name="workforce",
    family="reference",
    description="Monthly headcount and FTE by CSU and staff group.",
    columns=(
        Column("month", "month", pattern=MONTH),
        _code("csu_code"),
        Column("staff_group", "text", allowed=ESR_STAFF_GROUPS),
        _count("headcount"),
        Column("fte", "decimal", min=0, max=MAX_COUNT),
    ),
    key=("month", "csu_code", "staff_group"),
    references=_csu_refs("csu_code"),
)

INCIDENTS = Contract(
    name="incidents",
    family="incident",
    description="Patient safety and other incidents (rolling extract; harm may be regraded).",
    columns=(
        _code("incident_id"),
        _code("lfpse_ref", required=False),
        Column("event_type", "text", allowed=("incident", "outcome", "risk", "good_care")),
        Column("is_patient_safety", "bool"),
        Column("incident_date", "date"),
        Column("reported_date", "date"),
        Column("closed_date", "date", required=False),
        Column("status", "text",
               allowed=("open", "under_review", "awaiting_approval", "closed", "rejected")),
        _code("site_code"),
        _code("location_code"),
        _code("csu_code"),
        Column("specialty_code", "text", required=False, pattern=r"\d{3}"),
        Column("category", "text", allowed=NRLS_CATEGORIES),
        Column("subcategory", "text", required=False),
        Column("physical_harm", "text", allowed=HARM_LEVELS, aliases={"death": "fatal"}),
        Column("psychological_harm", "text", required=False,
               allowed=("none", "low", "moderate", "severe")),
        Column("is_never_event", "bool"),
        Column("duty_of_candour", "bool"),
        Column("learning_response", "text", required=False,
               allowed=("PSII", "AAR", "SWARM", "MDT", "ROUND_TABLE", "THEMATIC", "NONE")),
        Column("learning_response_due", "date", required=False),
        Column("learning_response_completed", "date", required=False),
        Column("patient_imd_decile", "int", required=False, min=1, max=10),
        Column("patient_ethnic_group", "text", required=False, pattern=r"[A-Z]"),
        Column("last_modified", "timestamp"),
    ),
    key=("incident_id",),
    rules=(
        RowRule("incident_date_not_after_reported_date", "incident_date",
                "incident_date <= reported_date"),
        RowRule("incident_date_not_after_extract_date", "incident_date",
                "incident_date <= _extract_date"),
        RowRule("reported_date_not_after_extract_date", "reported_date",
                "reported_date <= _extract_date"),
        RowRule("closed_date_not_before_reported_date", "closed_date",
                "closed_date >= reported_date"),
    ),
    references=_csu_refs("site_code", "location_code", "csu_code"),
)

FFT_RESPONSES = Contract(
    name="fft_responses",
    family="survey",
    description="Friends and Family Test: monthly response counts per ward and setting.",
    columns=(
        Column("period", "month", pattern=MONTH),
        _code("site_code"),
        _code("ward_code"),
        _code("csu_code"),
        Column("setting", "text", allowed=FFT_SETTINGS),
        *(_count(a) for a in FFT_ANSWERS),
        _count("total_responses"),
        _count("total_eligible", required=False),
    ),
    key=("period", "site_code", "ward_code", "setting"),
    rules=(
        RowRule("total_is_sum_of_answers", "total_responses",
                "total_responses = " + " + ".join(FFT_ANSWERS)),
        RowRule("eligible_not_below_responses", "total_eligible",
                "total_eligible >= total_responses"),
    ),
    references=(
        Reference("site_code", "org_structure", "site_code"),
        Reference("ward_code", "org_structure", "location_code"),
        Reference("csu_code", "org_structure", "csu_code"),
    ),
)

STAFF_SURVEY_SCORES = Contract(
    name="staff_survey_scores",
    family="survey",
    description="NHS Staff Survey theme scores, yearly, by organisation, CSU and staff group.",
    columns=(
        Column("survey_year", "int", min=2000, max=2100),
        Column("breakdown_type", "text", allowed=("organisation", "csu", "staff_group")),
        _code("breakdown_code"),
        Column("theme_code", "text", allowed=STAFF_SURVEY_THEMES),
        Column("score", "decimal", min=0, max=10),
        _count("responses"),
        Column("benchmark_best", "decimal", required=False, min=0, max=10),
        Column("benchmark_average", "decimal", required=False, min=0, max=10),
        Column("benchmark_worst", "decimal", required=False, min=0, max=10),
    ),
    key=("survey_year", "breakdown_type", "breakdown_code", "theme_code"),
)

PULSE_SURVEY = Contract(
    name="pulse_survey",
    family="survey",
    description="National Quarterly Pulse Survey engagement items, answer counts per CSU.",
    columns=(
        Column("quarter", "quarter", pattern=QUARTER),
        _code("csu_code"),
        Column("item", "int", min=1, max=9),
        *(_count(a) for a in PULSE_ANSWERS),
    ),
    key=("quarter", "csu_code", "item"),
    references=_csu_refs("csu_code"),
)

MANDATORY_TRAINING = Contract(
    name="mandatory_training",
    family="training",
    description="ESR statutory and mandatory training compliance, a monthly snapshot per person.",
    columns=(
        Column("snapshot_date", "date"),
        _code("person_key"),
        _code("csu_code"),
        Column("staff_group", "text", allowed=ESR_STAFF_GROUPS),
        Column("competence_code", "text", allowed=CSTF_COMPETENCES, allowed_prefixes=("LOCAL_",),
               pattern=CODE),
        Column("competence_name", "text"),
        Column("required", "bool"),
        Column("status", "text",
               allowed=("compliant", "expired", "never_completed", "not_required")),
        Column("achieved_date", "date", required=False),
        Column("expiry_date", "date", required=False),
    ),
    key=("snapshot_date", "person_key", "competence_code"),
    rules=(RowRule("expiry_after_achieved", "expiry_date", "expiry_date > achieved_date"),),
    references=_csu_refs("csu_code"),
)

IMPROVEMENT_TRAINING = Contract(
    name="improvement_training",
    family="training",
    description="Improvement-method courses and coaching attended.",
    columns=(
        _code("event_id"),
        _code("person_key"),
        _code("csu_code"),
        _code("staff_group"),
        Column("programme", "text", allowed=IMPROVEMENT_PROGRAMMES),
        Column("is_quality_partner", "bool"),
        Column("completion_date", "date"),
        Column("hours", "decimal", max=200),
        Column("status", "text", allowed=("completed", "attended", "withdrawn")),
    ),
    key=("event_id",),
    rules=(
        RowRule("hours_positive", "hours", "hours > 0"),
        RowRule("completion_date_not_after_extract_date", "completion_date",
                "completion_date <= _extract_date"),
    ),
    references=_csu_refs("csu_code"),
)

WASTE_SCHEMES = Contract(
    name="waste_schemes",
    family="finance",
    description="Waste-reduction (cost-improvement) schemes.",
    columns=(
        _code("scheme_id"),
        Column("scheme_name", "text"),
        _code("csu_code"),
        Column("waste_type", "text", allowed=LEAN_WASTES),
        Column("finance_type", "text", allowed=("pay", "non_pay", "income")),
        Column("recurrence", "text", allowed=("recurrent", "non_recurrent")),
        Column("risk_rating", "text", allowed=("high", "medium", "low")),
        Column("status", "text",
               allowed=("pipeline", "planned", "delivering", "delivered", "withdrawn")),
        Column("start_month", "month", pattern=MONTH),
    ),
    key=("scheme_id",),
    references=_csu_refs("csu_code"),
)

WASTE_SAVINGS = Contract(
    name="waste_savings",
    family="finance",
    description="Monthly planned, actual and forecast savings per scheme.",
    columns=(
        _code("scheme_id"),
        Column("month", "month", pattern=MONTH),
        Column("plan_gbp", "decimal", min=0, max=MAX_GBP),
        Column("actual_gbp", "decimal", min=-MAX_GBP, max=MAX_GBP),
        Column("forecast_gbp", "decimal", required=False, min=-MAX_GBP, max=MAX_GBP),
    ),
    key=("scheme_id", "month"),
    rules=(RowRule("actual_not_below_minus_plan", "actual_gbp", "actual_gbp >= -plan_gbp"),),
    references=(Reference("scheme_id", "waste_schemes", "scheme_id"),),
)

def _sql_list(values: tuple[str, ...]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def _project_id() -> Column:
    return Column("project_id", "text", pattern=QI_PROJECT_ID)


def _project_ref() -> tuple[Reference, ...]:
    return (Reference("project_id", "qi_projects", "project_id"),)


def _title(name: str) -> RowRule:
    return RowRule(f"{name}_at_most_200_characters", name, f"length({name}) <= 200")


QI_PROJECTS = Contract(
    name="qi_projects",
    family="improvement",
    description="The QI project register, a full snapshot each night (newest extract wins).",
    columns=(
        _project_id(),
        Column("title", "text"),
        _code("csu_code"),
        _code("location_code", required=False),
        Column("programme", "text", required=False),
        Column("strategy_goal", "text", allowed=STRATEGY_GOALS),
        Column("stage", "text", allowed=QI_STAGES),
        Column("progress_score", "decimal", min=0.5, max=5.0),
        Column("lead_staff_group", "text", allowed=ESR_STAFF_GROUPS),
        Column("quality_partner_involved", "bool"),
        Column("patients_involved", "bool"),
        Column("start_date", "date"),
        Column("end_date", "date", required=False),
        Column("presented_at", "text", allowed=QI_PRESENTED_AT),
        Column("waste_type", "text", required=False, allowed=LEAN_WASTES),
        _code("scheme_id", required=False),
    ),
    key=("project_id",),
    rules=(
        _title("title"),
        RowRule("progress_score_in_steps_of_half", "progress_score",
                "progress_score * 2 = round(progress_score * 2)"),
        RowRule("end_date_not_before_start_date", "end_date", "end_date >= start_date"),
        RowRule("end_date_required_when_closed_or_abandoned", "end_date",
                "stage NOT IN ('closed', 'abandoned') OR end_date IS NOT NULL"),
        RowRule("waste_type_required_for_waste_goal", "waste_type",
                "strategy_goal <> 'waste' OR waste_type IS NOT NULL"),
        RowRule("start_date_not_after_extract_date", "start_date", "start_date <= _extract_date"),
    ),
    references=(
        *_csu_refs("csu_code", "location_code"),
        Reference("scheme_id", "waste_schemes", "scheme_id"),
    ),
)

QI_PROJECT_MEASURES = Contract(
    name="qi_project_measures",
    family="improvement",
    description="The measures each QI project tries to move (outcome, process, balancing).",
    columns=(
        _project_id(),
        _code("measure_id"),
        Column("role", "text", allowed=("outcome", "process", "balancing")),
        Column("level", "text", allowed=("organisation", "csu", "project")),
        _code("unit_code"),
        Column("target", "decimal", required=False, min=-MAX_GBP, max=MAX_GBP),
    ),
    key=("project_id", "measure_id", "level", "unit_code"),
    rules=(
        # The catalogue seed is the one list of scorecard measure ids (read once, at import).
        RowRule("measure_not_in_catalogue_or_local", "measure_id",
                f"measure_id IN ({_sql_list(catalogue_measure_ids())}) "
                f"OR regexp_full_match(measure_id, '{LOCAL_MEASURE_CODE}')"),
        RowRule("local_measure_at_project_level", "level",
                f"(level = 'project') = regexp_full_match(measure_id, '{LOCAL_MEASURE_CODE}')"),
        RowRule("project_level_unit_is_the_project", "unit_code",
                "level <> 'project' OR unit_code = project_id"),
    ),
    references=_project_ref(),
)

QI_MEASURE_VALUES = Contract(
    name="qi_measure_values",
    family="improvement",
    description="A QI project's own measures (not on the scorecard), weekly or monthly.",
    columns=(
        _project_id(),
        Column("measure_code", "text", pattern=LOCAL_MEASURE_CODE),
        Column("measure_name", "text"),
        Column("direction", "text", allowed=("increase", "decrease", "neutral")),
        Column("frequency", "text", allowed=("week", "month")),
        Column("period", "date"),
        Column("numerator", "decimal", min=0, max=MAX_GBP),
        Column("denominator", "decimal", required=False, max=MAX_GBP),
    ),
    key=("project_id", "measure_code", "period"),
    rules=(
        _title("measure_name"),
        RowRule("period_starts_its_week_or_month", "period",
                "(frequency = 'week' AND isodow(period) = 1) "
                "OR (frequency = 'month' AND day(period) = 1)"),
        RowRule("denominator_positive", "denominator", "denominator > 0"),
        # a zero denominator is reported once, by denominator_positive
        RowRule("numerator_not_above_denominator", "numerator",
                "denominator <= 0 OR numerator <= denominator"),
    ),
    references=_project_ref(),
)

QI_CHANGES = Contract(
    name="qi_changes",
    family="improvement",
    description="The PDSA log: each change a QI project tested and what was decided.",
    columns=(
        _project_id(),
        Column("cycle_no", "int", min=1, max=10_000),
        Column("change_idea", "text"),
        Column("pdsa_start", "date"),
        Column("pdsa_end", "date", required=False),
        Column("decision", "text", allowed=("ongoing", "adopt", "adapt", "abandon")),
        Column("implemented_date", "date", required=False),
    ),
    key=("project_id", "cycle_no"),
    rules=(
        _title("change_idea"),
        RowRule("pdsa_end_not_before_pdsa_start", "pdsa_end", "pdsa_end >= pdsa_start"),
        RowRule("implemented_only_when_adopted", "implemented_date",
                "implemented_date IS NULL OR decision = 'adopt'"),
    ),
    references=_project_ref(),
)

QI_SPREAD = Contract(
    name="qi_spread",
    family="improvement",
    description="Where a QI project's change that worked is adopted (spread to other CSUs).",
    columns=(
        _project_id(),
        _code("csu_code"),
        _code("location_code", required=False),
        Column("status", "text",
               allowed=("planned", "adopting", "adopted", "sustained", "stopped")),
        Column("adopted_date", "date", required=False),
    ),
    key=("project_id", "csu_code", "location_code"),
    rules=(RowRule("adopted_date_required_from_adopted", "adopted_date",
                   "status NOT IN ('adopted', 'sustained') OR adopted_date IS NOT NULL"),),
    references=(*_project_ref(), *_csu_refs("csu_code", "location_code")),
)

WASTE_WALKS = Contract(
    name="waste_walks",
    family="improvement",
    description="Waste walks' findings, one row per walk and Lean waste type.",
    columns=(
        _code("walk_id"),
        Column("walk_date", "date"),
        _code("csu_code"),
        _code("location_code", required=False),
        Column("waste_type", "text", allowed=LEAN_WASTES),
        _count("observations"),
        _count("actions_raised"),
        _count("actions_completed"),
    ),
    key=("walk_id", "waste_type"),
    rules=(
        RowRule("actions_completed_not_above_raised", "actions_completed",
                "actions_completed <= actions_raised"),
        RowRule("walk_date_not_after_extract_date", "walk_date", "walk_date <= _extract_date"),
    ),
    references=_csu_refs("csu_code", "location_code"),
)

IMPROVEMENT_EVENTS = Contract(
    name="improvement_events",
    family="improvement",
    description="Report-outs, network events, the waste conference and other improvement events.",
    columns=(
        _code("event_id"),
        Column("event_date", "date"),
        Column("event_type", "text", allowed=QI_EVENT_TYPES),
        _count("attendees"),
        Column("executive_present", "bool"),
        Column("projects_presented", "text", required=False,
               pattern=f"{QI_PROJECT_ID}(;{QI_PROJECT_ID})*"),
        _count("partner_organisations"),
    ),
    key=("event_id",),
)

CONTRACTS: tuple[Contract, ...] = (
    ORG_STRUCTURE,
    ACTIVITY,
    WORKFORCE,
    INCIDENTS,
    FFT_RESPONSES,
    STAFF_SURVEY_SCORES,
    PULSE_SURVEY,
    MANDATORY_TRAINING,
    IMPROVEMENT_TRAINING,
    WASTE_SCHEMES,
    WASTE_SAVINGS,
    QI_PROJECTS,
    QI_PROJECT_MEASURES,
    QI_MEASURE_VALUES,
    QI_CHANGES,
    QI_SPREAD,
    WASTE_WALKS,
    IMPROVEMENT_EVENTS,
)
CONTRACTS_BY_NAME = {c.name: c for c in CONTRACTS}
