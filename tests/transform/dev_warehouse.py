"""A tiny handcrafted raw layer, built straight from the extract contracts.

For developing the dbt models before (or without) the synthetic generator and the loader:
`python -m tests.transform.dev_warehouse /tmp/dev.duckdb` creates `raw.<extract>` tables with the
contract's columns and DuckDB types plus the lineage columns, and inserts a few rows per table
that exercise the awkward cases: a location that moves CSU, an incident regraded across two
deliveries, a month without incidents for one CSU, a negative savings adjustment, two training
snapshots in one month.
"""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path

import duckdb

from dagster_project.contracts import CONTRACTS, CONTRACTS_BY_NAME, LINEAGE_COLUMNS
from dagster_project.ingest.load import LOAD_LOG_COLUMNS, QUARANTINE_COLUMNS


def create_raw_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists raw")
    for contract in CONTRACTS:
        cols = [f"{c.name} {c.duckdb_type}" for c in contract.columns]
        cols += [f"{name} {typ}" for name, typ in LINEAGE_COLUMNS]
        con.execute(f"create or replace table raw.{contract.name} ({', '.join(cols)})")
    for name, columns in (("quarantine", QUARANTINE_COLUMNS), ("load_log", LOAD_LOG_COLUMNS)):
        cols = ", ".join(f"{c} {t}" for c, t in columns)
        con.execute(f"create or replace table raw.{name} ({cols})")


def insert(con: duckdb.DuckDBPyConnection, extract: str, extract_date: date,
           rows: list[dict]) -> None:
    contract = CONTRACTS_BY_NAME[extract]
    names = list(contract.column_names) + [n for n, _ in LINEAGE_COLUMNS]
    file_name = f"{extract}_{extract_date:%Y%m%d}.csv"
    values = []
    for i, row in enumerate(rows, start=1):
        unknown = set(row) - set(contract.column_names)
        assert not unknown, f"{extract}: unknown columns {unknown}"
        values.append([row.get(c) for c in contract.column_names]
                      + [extract_date, file_name, "hash", i, datetime(2025, 1, 1)])
    placeholders = ", ".join("?" for _ in names)
    con.executemany(f"insert into raw.{extract} ({', '.join(names)}) values ({placeholders})",
                    values)
    # the delivery the loader would log: each extract's newest date is its as-of date
    con.execute("insert into raw.load_log (extract, file_name, content_hash, rows_in, rows_loaded, "
                "rows_quarantined, status, message, loaded_at, extract_date) "
                "values (?, ?, 'hash', ?, ?, 0, 'loaded', null, ?, ?)",
                [extract, file_name, len(rows), len(rows), datetime(2025, 1, 1), extract_date])


ORG = "XRA"
MONTHS = ["2024-10", "2024-11", "2024-12", "2025-01"]


def populate(con: duckdb.DuckDBPyConnection) -> None:
    d = date.fromisoformat
    org = [
        # W1 belongs to CSU A until 2024-11-30, then to CSU B.
        dict(org_code=ORG, site_code="S1", site_name="Main", csu_code="CA", csu_name="Medicine",
             location_code="W1", location_name="Ward 1", valid_from=d("2020-01-01"),
             valid_to=d("2024-11-30")),
        dict(org_code=ORG, site_code="S1", site_name="Main", csu_code="CB", csu_name="Surgery",
             location_code="W1", location_name="Ward 1", valid_from=d("2024-12-01"), valid_to=None),
        dict(org_code=ORG, site_code="S1", site_name="Main", csu_code="CA", csu_name="Medicine",
             location_code="W2", location_name="Ward 2", valid_from=d("2020-01-01"), valid_to=None),
        dict(org_code=ORG, site_code="S1", site_name="Main", csu_code="CB", csu_name="Surgery",
             location_code="W3", location_name="Ward 3", valid_from=d("2020-01-01"), valid_to=None),
    ]
    insert(con, "org_structure", d("2025-01-31"), org)
    insert(con, "activity", d("2025-01-31"), [
        dict(month=m, csu_code=c, occupied_bed_days=bd, admissions=100, discharges=100,
             ae_attendances=ae, ae_within_4h=int(ae * 0.8))
        for m in MONTHS for c, bd, ae in (("CA", 3000, 500), ("CB", 2000, 0))])
    insert(con, "workforce", d("2025-01-31"), [
        dict(month=m, csu_code=c, staff_group=g, headcount=h, fte=h * 0.9)
        for m in MONTHS for c in ("CA", "CB")
        for g, h in (("nursing_midwifery_registered", 40), ("medical_dental", 10))])

    def inc(i, idate, rdate, loc, csu, harm, **kw):
        base = dict(incident_id=i, lfpse_ref=None, event_type="incident", is_patient_safety=True,
                    incident_date=d(idate), reported_date=d(rdate), closed_date=None,
                    status="open", site_code="S1", location_code=loc, csu_code=csu,
                    specialty_code="300", category="medication", subcategory=None,
                    physical_harm=harm, psychological_harm=None, is_never_event=False,
                    duty_of_candour=False, learning_response=None, learning_response_due=None,
                    learning_response_completed=None, patient_imd_decile=3,
                    patient_ethnic_group="A", last_modified=datetime(2025, 1, 1))
        base.update(kw)
        return base

    first = [
        inc("I1", "2024-10-05", "2024-10-06", "W1", "CA", "low"),  # regraded later
        inc("I2", "2024-10-10", "2024-10-20", "W2", "CA", "none", closed_date=d("2024-10-25"),
            status="closed"),
        inc("I3", "2024-11-03", "2024-11-03", "W3", "CB", "moderate", category="patient_accident",
            subcategory="fall"),
        inc("I4", "2024-11-29", "2024-11-30", "W1", "CA", "none", is_never_event=True,
            learning_response="PSII", learning_response_due=d("2024-12-15"),
            learning_response_completed=d("2024-12-10")),
    ]
    insert(con, "incidents", d("2024-11-30"), first)
    second = [
        inc("I1", "2024-10-05", "2024-10-06", "W1", "CA", "severe"),  # regraded low -> severe
        inc("I5", "2024-12-02", "2024-12-02", "W1", "CB", "low", category="patient_accident",
            subcategory="fall"),  # W1 now in CB
        inc("I6", "2024-12-20", "2024-12-28", "W2", "CA", "fatal", event_type="incident",
            patient_imd_decile=None, patient_ethnic_group=None),
        inc("I7", "2025-01-10", "2025-01-11", "W2", "CA", "none", is_patient_safety=False),
    ]
    insert(con, "incidents", d("2025-01-31"), second)
    # No incident in CB in 2024-10 and 2025-01: zero-count months.

    fft = []
    for m in MONTHS:
        fft.append(dict(period=m, site_code="S1", ward_code="W2", csu_code="CA",
                        setting="inpatient", very_good=20, good=5, neither=1, poor=1,
                        very_poor=1, dont_know=2, total_responses=30, total_eligible=100))
        fft.append(dict(period=m, site_code="S1", ward_code="W3", csu_code="CB", setting="ae",
                        very_good=10, good=4, neither=0, poor=0, very_poor=1, dont_know=0,
                        total_responses=15, total_eligible=None))
    insert(con, "fft_responses", d("2025-01-31"), fft)

    ss = []
    for code, btype in ((ORG, "organisation"), ("CA", "csu"), ("CB", "csu"),
                        ("medical_dental", "staff_group")):
        for theme in [f"PP{i}" for i in range(1, 8)] + ["ENGAGEMENT", "MORALE"]:
            ss.append(dict(survey_year=2024, breakdown_type=btype, breakdown_code=code,
                           theme_code=theme, score=6.8, responses=8 if code == "CB" else 120,
                           benchmark_best=7.4, benchmark_average=6.9, benchmark_worst=6.1))
    insert(con, "staff_survey_scores", d("2025-01-31"), ss)

    pulse = [dict(quarter=q, csu_code=c, item=i, strongly_disagree=1, disagree=2, neither=3,
                  agree=4, strongly_agree=5)
             for q in ("2024-Q4", "2025-Q1") for c in ("CA", "CB") for i in (1, 2, 3)]
    insert(con, "pulse_survey", d("2025-01-31"), pulse)

    mt = []
    for snap, good in (("2024-10-31", 2), ("2024-11-15", 1), ("2024-11-30", 2), ("2025-01-31", 3)):
        for p, csu in (("P1", "CA"), ("P2", "CA"), ("P3", "CB")):
            for k, comp in enumerate(("CSTF_FIRE", "CSTF_INFO_GOV", "LOCAL_SEPSIS")):
                ok = (k + int(p[1])) % 3 < good
                mt.append(dict(snapshot_date=d(snap), person_key=p, csu_code=csu,
                               staff_group="nursing_midwifery_registered", competence_code=comp,
                               competence_name=f"NHS|CSTF|{comp}|", required=True,
                               status="compliant" if ok else "expired",
                               achieved_date=d("2024-01-01"), expiry_date=d("2026-01-01")))
        insert(con, "mandatory_training", d(snap), mt)
        mt = []
    # 2024-12: no snapshot.

    it = [
        dict(event_id="E1", person_key="P1", csu_code="CA", staff_group="medical_dental",
             programme="IMPROVEMENT_FOUNDATIONS", is_quality_partner=False,
             completion_date=d("2024-10-10"), hours=7.5, status="completed"),
        dict(event_id="E2", person_key="P1", csu_code="CA", staff_group="medical_dental",
             programme="LEAN_FOR_LEADERS", is_quality_partner=False,
             completion_date=d("2024-11-10"), hours=14.0, status="completed"),
        dict(event_id="E3", person_key="P3", csu_code="CB",
             staff_group="nursing_midwifery_registered", programme="IMPROVEMENT_FOUNDATIONS",
             is_quality_partner=False, completion_date=d("2024-11-12"), hours=7.5,
             status="completed"),
        dict(event_id="E4", person_key="QP1", csu_code="CB", staff_group="quality_partner",
             programme="RPIW_PARTICIPANT", is_quality_partner=True,
             completion_date=d("2024-12-01"), hours=30.0, status="attended"),
        dict(event_id="E5", person_key="P2", csu_code="CA", staff_group="medical_dental",
             programme="IMPROVEMENT_FOUNDATIONS", is_quality_partner=False,
             completion_date=d("2025-01-05"), hours=7.5, status="withdrawn"),
    ]
    insert(con, "improvement_training", d("2025-01-31"), it)

    insert(con, "waste_schemes", d("2025-01-31"), [
        dict(scheme_id="WS1", scheme_name="Theatre kit", csu_code="CB", waste_type="inventory",
             finance_type="non_pay", recurrence="recurrent", risk_rating="low",
             status="delivering", start_month="2024-10"),
        dict(scheme_id="WS2", scheme_name="Agency", csu_code="CA", waste_type="waiting",
             finance_type="pay", recurrence="non_recurrent", risk_rating="high",
             status="delivering", start_month="2024-10"),
    ])
    insert(con, "waste_savings", d("2025-01-31"), [
        dict(scheme_id=s, month=m, plan_gbp=p, actual_gbp=a, forecast_gbp=p)
        for s, m, p, a in (("WS1", "2024-10", 1000, 1200), ("WS1", "2024-11", 1000, 800),
                           ("WS1", "2024-12", 1000, -300), ("WS2", "2024-10", 500, 500),
                           ("WS2", "2024-12", 500, 100), ("WS2", "2025-01", 500, 0))])


def build(path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as con:
        create_raw_tables(con)
        populate(con)
    return path


if __name__ == "__main__":
    print(build(sys.argv[1] if len(sys.argv) > 1 else "/tmp/dev_warehouse.duckdb"))
