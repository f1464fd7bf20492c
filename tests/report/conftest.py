"""A small but realistic `published` schema in a temporary DuckDB, for the report tests.

The SPC rows come from the project's own engine (`dagster_project.spc.xmr`), one call per
measure, faceted by unit, so points, icons and rules are what the pipeline would publish.
"""

from __future__ import annotations

import random
from datetime import date, datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest

from dagster_project.report import build_report
from dagster_project.spc import xmr, xmr_icons, xmr_summary

ORG = "R0X"
CSU_NAMES = [
    "Abdominal Medicine and Surgery", "Cardio-Respiratory", "Neurosciences", "Oncology",
    "Women's", "Children's", "Emergency and Specialty Medicine", "Head and Neck",
    "Musculoskeletal and Rheumatology", "Adult Critical Care", "Theatres and Anaesthesia",
    "Radiology", "Pathology", "Pharmacy", "Specialty and Integrated Medicine", "Renal",
    "Dental", "Elderly Care",
]

# id, name, domain, unit, direction, target, chart_type, frequency
CATALOGUE = [
    ("Q01", "Patient safety incidents reported per 1,000 occupied bed days", "quality", "rate",
     "increase", None, "u", "monthly"),
    ("Q02", "Incidents with moderate or worse physical harm, %", "quality", "percent",
     "decrease", 0.05, "p", "monthly"),
    ("Q03", "Severe harm or death incidents", "quality", "count", "decrease", 0.0, "c",
     "monthly"),
    ("Q04", "Never events", "quality", "count", "decrease", 0.0, "c", "monthly"),
    ("Q05", "Falls with harm per 1,000 occupied bed days", "quality", "rate", "decrease", None,
     "u", "monthly"),
    ("Q06", "Incidents closed within 30 days of report, %", "quality", "percent", "increase",
     0.90, "p", "monthly"),
    ("Q07", "Learning responses completed by their due date, %", "quality", "percent",
     "increase", 0.90, "p", "monthly"),
    ("D01", "Incidents reported within 2 days of occurring, %", "delivery", "percent",
     "increase", 0.80, "p", "monthly"),
    ("D02", "A&E patients seen within 4 hours, %", "delivery", "percent", "increase", 0.78,
     "xmr", "monthly"),
    ("D03", "Improvement training delivered, hours", "delivery", "hours", "increase", None,
     "xmr", "monthly"),
    ("S01", "Inpatient FFT positive, %", "service", "percent", "increase", 0.95, "pp",
     "monthly"),
    ("S02", "A&E FFT positive, %", "service", "percent", "increase", 0.85, "pp", "monthly"),
    ("S03", "Maternity and outpatient FFT positive, %", "service", "percent", "increase", 0.95,
     "pp", "monthly"),
    ("S04", "FFT negative, all settings, %", "service", "percent", "decrease", 0.03, "p",
     "monthly"),
    ("S05", "Inpatient FFT response rate, %", "service", "percent", "increase", 0.25, "p",
     "monthly"),
    ("M01", "Staff engagement (pulse survey), 0–10", "morale", "score", "increase", None, "xmr",
     "quarterly"),
    ("M02", "Staff Survey staff engagement theme, 0–10", "morale", "score", "increase", None,
     "none", "yearly"),
    ("M03", "Statutory and mandatory training compliance, %", "morale", "percent", "increase",
     0.90, "pp", "monthly"),
    ("M04", "Information governance training compliance, %", "morale", "percent", "increase",
     0.95, "pp", "monthly"),
    ("M05", "Staff newly trained in the improvement method", "morale", "count", "increase",
     None, "xmr", "monthly"),
    ("M06", "Staff trained in the improvement method, % of headcount", "morale", "percent",
     "increase", 0.25, "xmr", "monthly"),
    ("M07", "Quality Partner participation in improvement training", "morale", "count",
     "increase", None, "xmr", "monthly"),
    ("M08", "Staff Survey morale theme, 0–10", "morale", "score", "increase", None, "none",
     "yearly"),
    ("C01", "Waste-reduction savings delivered against plan, %", "cost", "percent", "increase",
     1.0, "xmr", "monthly"),
    ("C02", "Waste-reduction savings delivered, £", "cost", "gbp", "increase", None, "xmr",
     "monthly"),
    ("C03", "Recurrent share of delivered savings, %", "cost", "percent", "increase", 0.70,
     "xmr", "monthly"),
]
NO_SPC = {"M02", "M08"}
# level, noise of a unit's series: (base, sd); CSU series are noisier
BASES = {"rate": (42.0, 3.0), "percent": (0.86, 0.018), "count": (3.0, 1.6),
         "hours": (120.0, 18.0), "score": (6.7, 0.12), "gbp": (48_000.0, 7_500.0)}
BASE_OVERRIDES = {"Q02": (0.06, 0.008), "S04": (0.035, 0.006), "S05": (0.24, 0.02),
                  "M06": (0.18, 0.01), "C01": (0.97, 0.08), "D02": (0.74, 0.02),
                  "M04": (0.955, 0.01), "Q04": (0.3, 0.5), "Q03": (1.2, 1.0)}


def months(first: date, n: int, step: int = 1) -> list[date]:
    out = []
    y, m = first.year, first.month
    for _ in range(n):
        out.append(date(y, m, 1))
        m += step
        while m > 12:
            y, m = y + 1, m - 12
    return out


def _series(rng: random.Random, unit: str, mid: str, n: int, scenario: int, scale: float
            ) -> list[float | None]:
    base, sd = BASE_OVERRIDES.get(mid, BASES[unit])
    sd *= scale
    values: list[float | None] = []
    for i in range(n):
        v = base + rng.gauss(0, sd)
        if scenario == 0 and i >= n - 8:
            v += 2.6 * sd  # a recent step up: shift and outside-limits signals
        elif scenario == 1 and i >= n - 8:
            v -= 2.6 * sd
        elif scenario == 2 and i >= n - 7:
            v = base + (i - (n - 7)) * 0.9 * sd  # a recent trend
        elif scenario == 3 and i == n // 2:
            v += 4.5 * sd  # a single outlier
        if unit == "percent" and mid != "C01":
            v = min(max(v, 0.0), 1.0)
        if unit == "count":
            v = float(max(0, round(v)))
        values.append(v)
    if scenario == 4 and n > 10:
        values[n - 10] = None  # a month with a zero denominator
    return values


def build_frames(n_csus: int = 3, *, with_signals: bool = True, seed: int = 7
                 ) -> dict[str, pl.DataFrame]:
    rng = random.Random(seed)
    csus = [(f"CSU{i + 1:02d}", CSU_NAMES[i % len(CSU_NAMES)]) for i in range(n_csus)]
    units = [("organisation", ORG)] + [("csu", code) for code, _ in csus]
    points, summaries, scorecard = [], [], []
    run_at = datetime(2025, 4, 3, 2, 15)
    for k, (mid, _, domain, unit, direction, target, chart_type, freq) in enumerate(CATALOGUE):
        if mid in NO_SPC:
            for level, code in units:
                for j, period in enumerate(months(date(2022, 1, 1), 3, 12)):
                    v = round(6.6 + rng.gauss(0, 0.15) + 0.05 * j, 2)
                    suppressed = level == "csu" and code == csus[-1][0] and j == 2
                    scorecard.append({"measure_id": mid, "level": level, "unit_code": code,
                                      "period": period, "numerator": None, "denominator": None,
                                      "value": None if suppressed else v, "target": 6.8,
                                      "direction": direction, "chart_type": "none",
                                      "domain": domain,
                                      "null_reason": "suppressed" if suppressed else None,
                                      "is_suppressed": suppressed})
            continue
        quarterly = freq == "quarterly"
        n = 8 if quarterly else 36
        periods = months(date(2023, 4, 1) if quarterly else date(2022, 4, 1), n,
                         3 if quarterly else 1)
        rows = []
        for u, (level, code) in enumerate(units):
            if mid == "D02" and level == "csu" and u == 2:
                continue  # a CSU with no A&E: no chart for this measure
            scenario = (k + u) % 6
            values = _series(rng, unit, mid, n, scenario, 1.0 if level == "organisation" else 1.8)
            rows += [{"facet": f"{level}|{code}", "x": p, "y": v}
                     for p, v in zip(periods, values)]
        df = pl.DataFrame(rows, schema={"facet": pl.Utf8, "x": pl.Date, "y": pl.Float64})
        rebase = {f"organisation|{ORG}": [date(2024, 4, 1)]} if mid == "D02" else None
        variants = [(chart_type, df)]
        if mid == "Q03":  # a second chart type for the organisation: days between
            g = df.filter(pl.col("facet") == f"organisation|{ORG}").with_columns(
                (30.0 / (pl.col("y") + 0.5)).alias("y"))
            variants.append(("g", g))
        for ct, frame in variants:
            targets = ({f: target for f in frame["facet"].unique().sort().to_list()}
                       if target is not None and ct != "g" else None)
            chart = xmr(frame, value="y", date="x", facet="facet",
                        improvement_direction=direction, target=targets, rebase=rebase)
            chart = chart.with_columns(
                pl.col("facet").str.split("|").list.get(0).alias("level"),
                pl.col("facet").str.split("|").list.get(1).alias("unit_code"),
                pl.lit(mid).alias("measure_id"), pl.lit(ct).alias("chart_type"),
                pl.col("date").alias("period"))
            points.append(chart.select(
                "measure_id", "level", "unit_code", "chart_type", "period", "value", "mean",
                "lpl", "upl", "target", "rebase_group", "short_group_warning",
                "special_cause_type", "special_cause_flag", "point_type",
                "improvement_direction"))
            icons = xmr_icons(chart)
            groups = xmr_summary(chart).sort("facet", "rebase_group").group_by(
                "facet", maintain_order=True).last()
            latest = chart.sort("facet", "date").group_by("facet", maintain_order=True).agg(
                pl.col("level").first(), pl.col("unit_code").first(),
                pl.col("date").last().alias("latest_period"),
                pl.col("value").last().alias("latest_value"),
                pl.col("target").last(), pl.col("short_group_warning").last(),
                pl.len().alias("n_points"))
            summaries.append(latest.join(icons, on="facet").join(
                groups.select("facet", "mean", "lpl", "upl", "special_cause_improvement",
                              "special_cause_concern"), on="facet").select(
                pl.lit(mid).alias("measure_id"), "level", "unit_code",
                pl.lit(ct).alias("chart_type"), pl.lit(direction).alias("direction"),
                pl.col("n_points").cast(pl.Int64), "latest_period", "latest_value", "mean",
                "lpl", "upl", "target", "variation_icon", "assurance_icon",
                pl.col("special_cause_improvement").cast(pl.Int64),
                pl.col("special_cause_concern").cast(pl.Int64), "short_group_warning"))
    spc_points = pl.concat(points, how="vertical_relaxed")
    spc_summary = pl.concat(summaries, how="vertical_relaxed")
    latest = spc_points.group_by("measure_id").agg(pl.col("period").max().alias("last"))
    signals = (
        spc_points.join(latest, on="measure_id")
        .filter(pl.col("special_cause_flag") & (pl.col("period") == pl.col("last")))
        .select("measure_id", "level", "unit_code", "period", "special_cause_type",
                "point_type", "value", pl.lit("run-20250403").alias("detected_run_id"),
                pl.lit(run_at).alias("detected_at"))
    )
    if not with_signals:
        signals = signals.head(0)
    catalogue = pl.DataFrame(
        [{"measure_id": m, "measure_name": name, "domain": d, "unit": u, "direction": dr,
          "default_target": t, "chart_type": ct, "frequency": f,
          "description": f"{name} ({f}).", "owner": "Chief Nurse"}
         for m, name, d, u, dr, t, ct, f in CATALOGUE],
        schema_overrides={"default_target": pl.Float64})
    dim_csu = pl.DataFrame(
        [{"csu_code": c, "csu_name": n, "org_code": ORG, "location_code": f"L{c}",
          "valid_from": date(2020, 1, 1)} for c, n in csus]
        # location history: a second row for the first CSU
        + [{"csu_code": csus[0][0], "csu_name": csus[0][1], "org_code": ORG,
            "location_code": "LX2", "valid_from": date(2023, 6, 1)}])
    checks = pl.DataFrame([
        {"asset_key": "raw/incidents", "status": "pass", "checks": 14, "checks_failed": 0,
         "blocking_failed": 0, "last_checked_at": run_at, "pass_rate_30d": 1.0},
        {"asset_key": "raw/activity", "status": "warn", "checks": 9, "checks_failed": 1,
         "blocking_failed": 0, "last_checked_at": run_at, "pass_rate_30d": 0.967},
        {"asset_key": "marts/fct_scorecard_monthly", "status": "pass", "checks": 21,
         "checks_failed": 0, "blocking_failed": 0, "last_checked_at": run_at,
         "pass_rate_30d": 1.0},
    ])
    dq = pl.DataFrame([
        {"extract": "incidents", "files_loaded": 36, "files_rejected": 0, "rows_loaded": 48_211,
         "rows_quarantined": 17, "latest_extract_date": date(2025, 4, 2),
         "last_loaded_at": run_at},
        {"extract": "activity", "files_loaded": 36, "files_rejected": 1, "rows_loaded": 1_296,
         "rows_quarantined": 0, "latest_extract_date": date(2025, 4, 1),
         "last_loaded_at": run_at},
        {"extract": "staff_survey", "files_loaded": 3, "files_rejected": 0, "rows_loaded": 912,
         "rows_quarantined": 0, "latest_extract_date": date(2024, 11, 30),
         "last_loaded_at": run_at},
    ])
    return {"spc_points": spc_points, "spc_summary": spc_summary, "spc_signals": signals,
            "dim_measure": catalogue, "dim_csu": dim_csu,
            "scorecard_monthly": pl.DataFrame(scorecard), "check_summary": checks,
            "data_quality": dq}


def subset(frames: dict[str, pl.DataFrame], measure_ids: set[str]) -> dict[str, pl.DataFrame]:
    """The same schema with only some measures: for tests that rasterise every chart."""
    return {name: frame.filter(pl.col("measure_id").is_in(sorted(measure_ids)))
            if "measure_id" in frame.columns else frame for name, frame in frames.items()}


def write_warehouse(path: Path, frames: dict[str, pl.DataFrame]) -> None:
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema if not exists published")
        for name, frame in frames.items():
            con.register("_frame", frame.to_arrow())
            con.execute(f"create or replace table published.{name} as select * from _frame")
            con.unregister("_frame")
    finally:
        con.close()


GENERATED_AT = datetime(2025, 4, 3, 6, 30)


@pytest.fixture(scope="session")
def published_frames() -> dict[str, pl.DataFrame]:
    return build_frames(n_csus=3)


@pytest.fixture(scope="session")
def warehouse(tmp_path_factory, published_frames) -> Path:
    path = tmp_path_factory.mktemp("wh") / "warehouse.duckdb"
    write_warehouse(path, published_frames)
    return path


@pytest.fixture(scope="session")
def report(tmp_path_factory, warehouse):
    """The report built once from the fixture warehouse (read-only connection)."""
    out = tmp_path_factory.mktemp("out") / "report"
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        result = build_report(con, out, generated_at=GENERATED_AT)
    finally:
        con.close()
    return result
