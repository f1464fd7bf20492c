"""Measures computed straight from landing files (DuckDB), and a minimal XmR per docs/spc.md,
so the tests can see the planted signals in the raw numbers without the pipeline."""

from __future__ import annotations

import math
from itertools import pairwise
from pathlib import Path

import duckdb


def connect(landing: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory database with each extract loaded as text (read once), `incidents_raw`
    holding every delivered incident row and `incidents` the latest state of each."""
    con = duckdb.connect()
    for name in ("incidents", "activity", "fft_responses", "workforce", "mandatory_training",
                 "improvement_training", "waste_savings", "waste_schemes",
                 "staff_survey_scores", "pulse_survey", "org_structure"):
        files = sorted((Path(landing) / name).glob(f"{name}_*.csv"))
        if not files:
            continue
        listing = "[" + ", ".join(f"'{f}'" for f in files) + "]"
        table = "incidents_raw" if name == "incidents" else name
        con.execute(f"create table {table} as select * from read_csv({listing}, header=true, "
                    f"all_varchar=true, filename=true)")
    # The latest state of each incident (re-emitted rows carry a later last_modified).
    con.execute(
        "create table incidents as select * exclude (rn) from (select *, row_number() over "
        "(partition by incident_id order by last_modified::timestamp desc, filename desc) rn "
        "from incidents_raw) where rn = 1")
    return con


def falls_with_harm_rate(con, csu: str) -> list[tuple[str, float]]:
    """Q05 by incident month: falls with harm >= low per 1,000 occupied bed days."""
    return con.execute("""
        with f as (
            select strftime(incident_date::date, '%Y-%m') as month, count(*) as n
            from incidents
            where category = 'patient_accident' and subcategory = 'fall'
              and physical_harm <> 'none' and csu_code = $csu
            group by 1)
        select a.month, coalesce(f.n, 0) * 1000.0 / a.occupied_bed_days::bigint
        from activity a left join f using (month)
        where a.csu_code = $csu order by 1""", {"csu": csu}).fetchall()


def inpatient_fft_positive(con, csu: str) -> list[tuple[str, float]]:
    """S01: (very good + good) / responses, inpatient setting."""
    return con.execute("""
        select period, sum(very_good::int + good::int) * 1.0 / sum(total_responses::int)
        from fft_responses where setting = 'inpatient' and csu_code = $csu
        group by 1 order by 1""", {"csu": csu}).fetchall()


def severe_harm_count(con, csu: str | None) -> list[tuple[str, int]]:
    """Q03 by incident month: severe or fatal patient-safety incidents (zero-filled)."""
    where = "" if csu is None else "and csu_code = $csu"
    params = {} if csu is None else {"csu": csu}
    return con.execute(f"""
        with m as (select distinct month from activity),
        s as (select strftime(incident_date::date, '%Y-%m') as month, count(*) as n
              from incidents
              where is_patient_safety = 'Y' and physical_harm in ('severe', 'fatal') {where}
              group by 1)
        select m.month, coalesce(s.n, 0) from m left join s using (month) order by 1""",
                       params).fetchall()


def xmr(values: list[float]) -> dict:
    """Limits and labels per docs/spc.md (no fixing, screened moving ranges)."""
    mean = math.fsum(values) / len(values)
    mr = [abs(b - a) for a, b in pairwise(values)]
    amr = math.fsum(mr) / len(mr)
    kept = [r for r in mr if r < 3.267 * amr]
    amr = math.fsum(kept) / len(kept)
    upl, lpl = mean + 2.66 * amr, mean - 2.66 * amr
    n = len(values)
    side = [(v > mean) - (v < mean) for v in values]
    shift_below = [False] * n
    run = 0
    for i, s in enumerate(side):
        run = run + 1 if s == -1 and i > 0 and side[i - 1] == -1 else (1 if s == -1 else 0)
        if run >= 7:
            for j in range(i - 6, i + 1):
                shift_below[j] = True
    trend_down = [False] * n
    for i in range(n - 6):
        window = values[i:i + 7]
        if all(b < a for a, b in pairwise(window)):
            for j in range(i, i + 7):
                trend_down[j] = True
    return {"mean": mean, "upl": upl, "lpl": lpl,
            "above": [v > upl for v in values], "below": [v < lpl for v in values],
            "shift_below": shift_below, "trend_down": trend_down}
