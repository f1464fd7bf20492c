"""Small hand-built warehouses for the quality tests: raw tables from CONTRACTS, mini marts."""

from __future__ import annotations

from datetime import date, datetime

import pyarrow as pa
import pytest

from dagster_project.contracts import CONTRACTS_BY_NAME, LINEAGE_COLUMNS

from ..hand_marts import write_scorecard_monthly


def create_raw(con, extract: str) -> None:
    contract = CONTRACTS_BY_NAME[extract]
    cols = [f"{c.name} {c.duckdb_type}" for c in contract.columns]
    cols += [f"{name} {dtype}" for name, dtype in LINEAGE_COLUMNS]
    con.execute("create schema if not exists raw")
    con.execute(f"create table if not exists raw.{extract} ({', '.join(cols)})")


def insert_raw(con, extract: str, rows: list[dict], extract_date: date,
               file_name: str | None = None) -> None:
    create_raw(con, extract)
    contract = CONTRACTS_BY_NAME[extract]
    names = [c.name for c in contract.columns] + [n for n, _ in LINEAGE_COLUMNS]
    file_name = file_name or f"{extract}_{extract_date:%Y%m%d}.csv"
    records = []
    for i, row in enumerate(rows, start=1):
        full = {c: row.get(c) for c in contract.column_names}
        full.update(_extract_date=extract_date, _file_name=file_name, _content_hash="h",
                    _row_number=i, _loaded_at=datetime(2025, 7, 1))
        records.append(full)
    frame = pa.Table.from_pylist(records)  # noqa: F841 - read by DuckDB below
    con.execute(f"insert into raw.{extract} ({', '.join(names)}) "
                f"select {', '.join(names)} from frame")


def org_rows() -> list[dict]:
    return [dict(org_code="ZZZ", site_code=f"S{s}", site_name=f"Site {s}", csu_code=f"C{c}",
                 csu_name=f"CSU {c}", location_code=f"W{s}{c}", location_name=f"Ward {s}{c}",
                 valid_from=date(2020, 1, 1))
            for s in (1, 2) for c in (1, 2, 3)]


def incident(i: int, month: int, harm: str = "none", category: str = "medication",
             csu: str = "C1", **over) -> dict:
    d = date(2025, month, 1 + i % 27)
    row = dict(incident_id=f"INC{i:05d}", event_type="incident", is_patient_safety=True,
               incident_date=d, reported_date=d, status="open", site_code="S1",
               location_code=f"W1{csu[-1]}", csu_code=csu, category=category,
               physical_harm=harm, is_never_event=False, duty_of_candour=False,
               last_modified=datetime(2025, month, 28))
    row.update(over)
    return row


def good_incidents(n_per_month: int = 40, months=(1, 2, 3, 4, 5, 6)) -> list[dict]:
    rows, i = [], 0
    cats = ["medication", "patient_accident", "clinical_assessment", "documentation",
            "infection_control"]
    for m in months:
        for k in range(n_per_month):
            harm = "severe" if k == 0 and m % 2 == 0 else ("low" if k % 3 else "none")
            rows.append(incident(i, m, harm=harm, category=cats[k % len(cats)],
                                 csu=f"C{1 + k % 3}"))
            i += 1
    return rows


@pytest.fixture
def raw_incidents(con):
    """raw.org_structure and two good deliveries of raw.incidents (the second is the latest)."""
    insert_raw(con, "org_structure", org_rows(), date(2025, 1, 1))
    insert_raw(con, "incidents", good_incidents(months=(1, 2, 3, 4, 5)), date(2025, 6, 1))
    insert_raw(con, "incidents", good_incidents(), date(2025, 7, 1))
    return con


def build_marts(con, *, value_override: dict | None = None, period_end: int = 6) -> None:
    """marts.dim_csu, marts.dim_measure, marts.fct_scorecard_monthly (Q02 % and M01 score)."""
    con.execute("create schema if not exists marts")
    con.execute("""create or replace table marts.dim_csu as
        select * from (values ('C1', 'CSU 1', 'ZZZ'), ('C2', 'CSU 2', 'ZZZ'),
                              ('C3', 'CSU 3', 'ZZZ')) t(csu_code, csu_name, org_code)""")
    con.execute("""create or replace table marts.dim_measure as select * from (values
        ('Q02', 'Moderate harm %', 'quality', 'percent', 'decrease', 'p'),
        ('M01', 'Engagement', 'morale', 'score', 'increase', 'run'),
        ('C01', 'Savings vs plan', 'cost', 'percent', 'increase', 'xmr'))
        t(measure_id, measure_name, domain, unit, direction, chart_type)""")
    rows = []
    for m in range(1, period_end + 1):
        for unit, level in (("ZZZ", "organisation"), ("C1", "csu"), ("C2", "csu")):
            rows.append(("Q02", level, unit, date(2025, m, 1), 5.0, 100.0, 0.05, 0.05,
                         "decrease", "p", "quality", "percent", None))
            rows.append(("M01", level, unit, date(2025, m, 1), None, None, 7.1, None,
                         "increase", "run", "morale", "score", None))
            rows.append(("C01", level, unit, date(2025, m, 1), 90.0, 100.0, 0.9, 1.0,
                         "increase", "xmr", "cost", "percent", None))
    write_scorecard_monthly(con, rows)
    for sql in (value_override or {}).values():
        con.execute(sql)


def build_incident_mart(con, months=(1, 2, 3, 4, 5, 6), per_month: int = 30) -> None:
    """marts.dim_csu and a marts.fct_incidents of the columns its suite reads, all good rows."""
    build_marts(con)
    con.execute(f"""create or replace table marts.fct_incidents as
        select 'INC' || lpad(cast(m * 1000 + k as varchar), 6, '0') as incident_id,
               make_date(2025, m, 1 + k % 27) as incident_date,
               make_date(2025, m, 1 + k % 27) + cast(k % 3 as integer) as reported_date,
               make_date(2025, m, 1) as incident_month,
               'C' || (1 + k % 3) as csu_code,
               case when k = 0 then 'severe' when k % 3 = 0 then 'none' else 'low' end
                   as physical_harm,
               case when k % 2 = 0 then 'medication' else 'documentation' end as category,
               k % 3 as days_to_report,
               true as is_patient_safety_incident,
               k = 0 as is_severe_or_fatal_harm,
               k = 0 as is_moderate_or_worse_harm
        from (select unnest({list(months)}) as m), range({per_month}) as t(k)""")


def build_breakdowns(con, months=(1, 2, 3, 4, 5, 6)) -> None:
    """marts.dim_csu, marts.dim_measure and a good marts.fct_scorecard_breakdowns."""
    build_marts(con)
    con.execute(f"""create or replace table marts.fct_scorecard_breakdowns as
        select measure_id, level, unit_code, make_date(2025, m, 1) as period,
               'site' as breakdown_type, 'S' || s as breakdown_value,
               case when measure_id = 'M01' then 7.1 else 0.25 end as value,
               40.0 as denominator
        from (select unnest({list(months)}) as m),
             (values ('Q02'), ('M01'), ('C01')) ms(measure_id),
             (values ('organisation', 'ZZZ'), ('csu', 'C1'), ('csu', 'C2')) u(level, unit_code),
             range(2) as t(s)""")
