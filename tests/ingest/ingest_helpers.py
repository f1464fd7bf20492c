"""Helpers for the ingest tests: small clean rows that satisfy the contracts, a landing folder to
write files into by hand, and readers of the raw tables."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path

from dagster_project.contracts import CONTRACTS_BY_NAME
from dagster_project.ingest.load import ExtractLoadResult, load_extract

NOW = datetime(2025, 2, 1, 6, 0, 0)
EXTRACT_DATE = date(2025, 1, 31)
STAMP = "20250131"

# A few valid rows per extract, in contract column order (None = empty cell).
VALID_ROWS: dict[str, list[dict[str, object]]] = {
    "org_structure": [
        dict(org_code="ZZT", org_name="Test Trust", site_code="SITE1", site_name="Main Site",
             csu_code="CSU_MED", csu_name="Medicine", location_code="WARD1", location_name="Ward 1",
             valid_from="2020-01-01", valid_to=None),
        dict(org_code="ZZT", org_name="Test Trust", site_code="SITE1", site_name="Main Site",
             csu_code="CSU_SURG",
             csu_name="Surgery", location_code="WARD2", location_name="Ward 2",
             valid_from="2020-01-01", valid_to=None),
        # org_name is optional: an empty cell is null
        dict(org_code="ZZT", org_name=None, site_code="SITE2", site_name="Community Site",
             csu_code="CSU_MED",
             csu_name="Medicine", location_code="ED1", location_name="Emergency Department",
             valid_from="2020-01-01", valid_to="2030-12-31"),
    ],
    "activity": [
        dict(month="2025-01", csu_code="CSU_MED", occupied_bed_days=900, admissions=300,
             discharges=290, ae_attendances=1500, ae_within_4h=1200),
        dict(month="2025-01", csu_code="CSU_SURG", occupied_bed_days=700, admissions=200,
             discharges=210, ae_attendances=0, ae_within_4h=0),
    ],
    "workforce": [
        dict(month="2025-01", csu_code="CSU_MED", staff_group="nursing_midwifery_registered",
             headcount=250, fte=231.5),
        dict(month="2025-01", csu_code="CSU_MED", staff_group="medical_dental",
             headcount=80, fte=76.2),
    ],
    "incidents": [
        dict(incident_id="INC001", lfpse_ref=None, event_type="incident", is_patient_safety="Y",
             incident_date="2025-01-10", reported_date="2025-01-11", closed_date=None,
             status="open", site_code="SITE1", location_code="WARD1", csu_code="CSU_MED",
             specialty_code="300", category="patient_accident", subcategory="fall",
             physical_harm="low", psychological_harm="none", is_never_event="N",
             duty_of_candour="N", learning_response="AAR", learning_response_due="2025-03-01",
             learning_response_completed=None, patient_imd_decile=5, patient_ethnic_group="A",
             last_modified="2025-01-11 10:00:00"),
        dict(incident_id="INC002", lfpse_ref="LFPSE-123", event_type="incident",
             is_patient_safety="true", incident_date="2025-01-20", reported_date="2025-01-20",
             closed_date="2025-01-25", status="closed", site_code="SITE1",
             location_code="WARD2", csu_code="CSU_SURG", specialty_code=None,
             category="medication", subcategory=None, physical_harm="none",
             psychological_harm=None, is_never_event="false", duty_of_candour="0",
             learning_response=None, learning_response_due=None,
             learning_response_completed=None, patient_imd_decile=None,
             patient_ethnic_group=None, last_modified="2025-01-25T09:30:00"),
        dict(incident_id="INC003", lfpse_ref=None, event_type="risk", is_patient_safety="N",
             incident_date="2025-01-30", reported_date="2025-01-31", closed_date=None,
             status="under_review", site_code="SITE2", location_code="ED1", csu_code="CSU_MED",
             specialty_code="180", category="infrastructure", subcategory=None,
             physical_harm="moderate", psychological_harm="low", is_never_event="N",
             duty_of_candour="Y", learning_response="SWARM", learning_response_due=None,
             learning_response_completed=None, patient_imd_decile=10,
             patient_ethnic_group="Z", last_modified="2025-01-31 08:00"),
    ],
    "fft_responses": [
        dict(period="2025-01", site_code="SITE1", ward_code="WARD1", csu_code="CSU_MED",
             setting="inpatient", very_good=10, good=5, neither=1, poor=1, very_poor=0,
             dont_know=1, total_responses=18, total_eligible=40),
        dict(period="2025-01", site_code="SITE2", ward_code="ED1", csu_code="CSU_MED",
             setting="ae", very_good=20, good=10, neither=2, poor=2, very_poor=1,
             dont_know=0, total_responses=35, total_eligible=None),
    ],
    "staff_survey_scores": [
        dict(survey_year=2024, breakdown_type="organisation", breakdown_code="ZZT",
             theme_code="PP1", score=7.1, responses=500, benchmark_best=7.5,
             benchmark_average=7.0, benchmark_worst=6.5),
        dict(survey_year=2024, breakdown_type="csu", breakdown_code="CSU_MED",
             theme_code="ENGAGEMENT", score=6.8, responses=9, benchmark_best=None,
             benchmark_average=None, benchmark_worst=None),
    ],
    "pulse_survey": [
        dict(quarter="2025-Q1", csu_code="CSU_MED", item=1, strongly_disagree=1, disagree=2,
             neither=3, agree=4, strongly_agree=5),
        dict(quarter="2025-Q1", csu_code="CSU_MED", item=2, strongly_disagree=0, disagree=1,
             neither=3, agree=6, strongly_agree=2),
    ],
    "mandatory_training": [
        dict(snapshot_date="2025-01-31", person_key="P0001", csu_code="CSU_MED",
             staff_group="nursing_midwifery_registered", competence_code="CSTF_FIRE",
             competence_name="NHS|CSTF|Fire Safety - 2 Years|", required="Y",
             status="compliant", achieved_date="2024-06-01", expiry_date="2026-06-01"),
        dict(snapshot_date="2025-01-31", person_key="P0001", csu_code="CSU_MED",
             staff_group="nursing_midwifery_registered", competence_code="LOCAL_SEPSIS",
             competence_name="Sepsis awareness", required="N", status="not_required",
             achieved_date=None, expiry_date=None),
        dict(snapshot_date="2025-01-31", person_key="P0002", csu_code="CSU_SURG",
             staff_group="medical_dental", competence_code="CSTF_RESUS",
             competence_name="NHS|CSTF|Resuscitation - Level 2|", required="Y",
             status="expired", achieved_date="2022-01-01", expiry_date="2024-01-01"),
    ],
    "improvement_training": [
        dict(event_id="EV1", person_key="P0001", csu_code="CSU_MED",
             staff_group="nursing_midwifery_registered", programme="IMPROVEMENT_FOUNDATIONS",
             is_quality_partner="N", completion_date="2025-01-15", hours=7.5,
             status="completed"),
        dict(event_id="EV2", person_key="QP01", csu_code="CSU_SURG", staff_group="",
             programme="COACHING_SESSION", is_quality_partner="Y",
             completion_date="2025-01-20", hours=1, status="attended"),
    ],
    "waste_schemes": [
        dict(scheme_id="WS001", scheme_name="Reduce agency spend", csu_code="CSU_MED",
             waste_type="waiting", finance_type="pay", recurrence="recurrent",
             risk_rating="medium", status="delivering", start_month="2024-04"),
        dict(scheme_id="WS002", scheme_name="Theatre stock", csu_code="CSU_SURG",
             waste_type="inventory", finance_type="non_pay", recurrence="non_recurrent",
             risk_rating="low", status="planned", start_month="2025-01"),
    ],
    "waste_savings": [
        dict(scheme_id="WS001", month="2025-01", plan_gbp=10000, actual_gbp=8000,
             forecast_gbp=9000),
        dict(scheme_id="WS002", month="2025-01", plan_gbp=5000, actual_gbp=-1000,
             forecast_gbp=None),
    ],
    # The improvement register (docs/improvement-register.md).
    "qi_projects": [
        dict(project_id="QI-0001", title="Preventing falls with harm", csu_code="CSU_MED",
             location_code="WARD1", programme="Safer Care", strategy_goal="safety",
             stage="implementing", progress_score=3.5,
             lead_staff_group="nursing_midwifery_registered", quality_partner_involved="Y",
             patients_involved="N", start_date="2024-03-04", end_date=None,
             presented_at="report_out", waste_type=None, scheme_id=None),
        dict(project_id="QI-0002", title="Reducing unused theatre stock", csu_code="CSU_SURG",
             location_code=None, programme=None, strategy_goal="waste", stage="closed",
             progress_score=5, lead_staff_group="allied_health_professionals",
             quality_partner_involved="N", patients_involved="N", start_date="2024-01-08",
             end_date="2025-01-10", presented_at="none", waste_type="inventory",
             scheme_id="WS002"),
    ],
    "qi_project_measures": [
        dict(project_id="QI-0001", measure_id="Q05", role="outcome", level="csu",
             unit_code="CSU_MED", target=None),
        dict(project_id="QI-0001", measure_id="L-LSBP_DONE", role="process", level="project",
             unit_code="QI-0001", target=0.9),
    ],
    "qi_measure_values": [
        dict(project_id="QI-0001", measure_code="L-LSBP_DONE", measure_name="Lying and "
             "standing BP recorded, %", direction="increase", frequency="week",
             period="2025-01-06", numerator=18, denominator=30),
        dict(project_id="QI-0002", measure_code="L-STOCK_OUTS", measure_name="Stock-outs",
             direction="decrease", frequency="month", period="2025-01-01", numerator=4,
             denominator=None),
    ],
    "qi_changes": [
        dict(project_id="QI-0001", cycle_no=1, change_idea="Enhanced supervision bay",
             pdsa_start="2024-06-03", pdsa_end="2024-08-26", decision="adopt",
             implemented_date="2024-10-01"),
        dict(project_id="QI-0001", cycle_no=2, change_idea="Falls huddle",
             pdsa_start="2024-11-04", pdsa_end=None, decision="ongoing",
             implemented_date=None),
    ],
    "qi_spread": [
        dict(project_id="QI-0001", csu_code="CSU_SURG", location_code="WARD2",
             status="adopted", adopted_date="2025-01-06"),
        dict(project_id="QI-0001", csu_code="CSU_SURG", location_code=None, status="planned",
             adopted_date=None),
    ],
    "waste_walks": [
        dict(walk_id="WW1", walk_date="2025-01-14", csu_code="CSU_MED", location_code="WARD1",
             waste_type="motion", observations=4, actions_raised=3, actions_completed=2),
        dict(walk_id="WW1", walk_date="2025-01-14", csu_code="CSU_MED", location_code="WARD1",
             waste_type="waiting", observations=2, actions_raised=1, actions_completed=1),
    ],
    "improvement_events": [
        dict(event_id="E1", event_date="2025-01-15", event_type="report_out", attendees=40,
             executive_present="Y", projects_presented="QI-0001;QI-0002",
             partner_organisations=0),
        dict(event_id="E2", event_date="2025-01-28", event_type="system_event", attendees=85,
             executive_present="N", projects_presented=None, partner_organisations=7),
    ],
}

# improvement_training.staff_group is declared required: give EV2 a value.
VALID_ROWS["improvement_training"][1]["staff_group"] = "additional_clinical_services"


def csv_text(rows: list[dict[str, object]], columns: list[str] | None = None) -> str:
    """Rows as CSV text (header = the first row's keys unless given)."""
    columns = columns or list(rows[0].keys())
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else row.get(c) for c in columns])
    return out.getvalue()


def valid_rows(extract: str) -> list[dict[str, object]]:
    return [dict(r) for r in VALID_ROWS[extract]]


class Landing:
    """A landing folder to write extract files into."""

    def __init__(self, root: Path) -> None:
        self.dir = root

    def path(self, extract: str, name: str) -> Path:
        folder = self.dir / extract
        folder.mkdir(parents=True, exist_ok=True)
        return folder / name

    def write_bytes(self, extract: str, name: str, data: bytes) -> Path:
        p = self.path(extract, name)
        p.write_bytes(data)
        return p

    def write_text(self, extract: str, name: str, text: str) -> Path:
        return self.write_bytes(extract, name, text.encode("utf-8"))

    def write_rows(self, extract: str, rows: list[dict[str, object]] | None = None,
                   name: str | None = None, columns: list[str] | None = None) -> Path:
        rows = valid_rows(extract) if rows is None else rows
        columns = columns or list(CONTRACTS_BY_NAME[extract].column_names)
        return self.write_text(extract, name or f"{extract}_{STAMP}.csv", csv_text(rows, columns))


def load(con, landing: Landing, extract: str, now: datetime = NOW) -> ExtractLoadResult:
    return load_extract(con, CONTRACTS_BY_NAME[extract], landing.dir, now, stable_seconds=0)


def quarantine(con, extract: str | None = None) -> list[tuple]:
    """(file_name, row_number, column_name, rule, value) rows, sorted."""
    where = "WHERE extract = ?" if extract else ""
    return con.execute(
        f"SELECT file_name, row_number, column_name, rule, value FROM raw.quarantine {where} "
        "ORDER BY file_name, row_number, column_name, rule", [extract] if extract else []
    ).fetchall()


def load_log(con, extract: str) -> list[tuple]:
    """(file_name, status, rows_in, rows_loaded, rows_quarantined, message), in load order."""
    return con.execute(
        "SELECT file_name, status, rows_in, rows_loaded, rows_quarantined, message "
        "FROM raw.load_log WHERE extract = ? ORDER BY loaded_at, rowid", [extract]).fetchall()


def snapshot(con) -> dict[str, list[tuple]]:
    """Every raw table's full content, sorted: to prove that something changed nothing.
    (Not raw.landing_files: a cache of the files' hashes, which records any file it has seen.)"""
    tables = [r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'raw' "
        "AND table_name <> 'landing_files' ORDER BY 1").fetchall()]
    return {t: sorted(con.execute(f'SELECT * FROM raw."{t}"').fetchall(), key=repr)
            for t in tables}


def assert_accounting(con) -> None:
    bad = con.execute(
        "SELECT file_name FROM raw.load_log "
        "WHERE rows_in <> rows_loaded + rows_quarantined").fetchall()
    assert bad == []
