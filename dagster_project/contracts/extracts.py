"""Every extract's contract, declared once (transcribed from specs/extracts.md).

Order matters: reference extracts come first so that later extracts can be checked against them.
"""

from __future__ import annotations

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
)
CONTRACTS_BY_NAME = {c.name: c for c in CONTRACTS}
