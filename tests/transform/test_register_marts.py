"""The improvement register's marts and scorecard measures, end to end: a small synthetic trust is
generated, loaded and built with `dbt build`; the marts are checked against an independent polars
reading of the landing CSV files (the newest snapshot, the stage history across snapshots, the
spec's intervention-date rule) and M09, M10, C04, C05 against a recomputation at both levels."""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path

import duckdb
import polars as pl
import pytest

from dagster_project.contracts.extracts import QI_ACTIVE_STAGES

from .test_scorecard import DBT_DIR, _dbt, generate_trust

pytestmark = pytest.mark.integration
UNCHANGED = 6  # the month (counted from the first delivery) whose register is unchanged


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from dagster_project.ingest.load import load_all

    work = tmp_path_factory.mktemp("dbt_register")
    landing, warehouse = generate_trust(work)
    # A night whose register did not change: the same bytes again, which the loader skips as a
    # duplicate; that month's M09 and M10 must still come from the (identical) earlier snapshot.
    files = sorted((landing / "qi_projects").glob("qi_projects_*.csv"))
    files[UNCHANGED].write_bytes(files[UNCHANGED - 1].read_bytes())
    with duckdb.connect(str(warehouse)) as con:
        load_all(con, landing, stable_seconds=0)
        assert con.execute("select status from raw.load_log where file_name = ?",
                           [files[UNCHANGED].name]).fetchall() == [("skipped_duplicate",)]
    result = _dbt(["build"], warehouse, work)
    assert result.returncode == 0, result.stdout[-6000:]
    return {"landing": landing, "warehouse": warehouse}


def query(built, sql: str) -> pl.DataFrame:
    with duckdb.connect(str(built["warehouse"]), read_only=True) as con:
        return con.sql(sql).pl()


def deliveries(landing: Path, extract: str) -> pl.DataFrame:
    """Every delivery of an extract as text, with its extract date."""
    frames = []
    for path in sorted((landing / extract).glob(f"{extract}_*.csv")):
        stamp = re.search(r"_(\d{8})\.csv$", path.name).group(1)
        frames.append(pl.read_csv(path, infer_schema=False).with_columns(
            pl.lit(dt.datetime.strptime(stamp, "%Y%m%d").date()).alias("_date")))
    return pl.concat(frames)


def newest(df: pl.DataFrame) -> pl.DataFrame:
    return df.filter(pl.col("_date") == pl.col("_date").max())


def test_project_dimension_is_the_newest_snapshot_with_the_spec_intervention_date(built):
    landing = built["landing"]
    projects = newest(deliveries(landing, "qi_projects"))
    changes = newest(deliveries(landing, "qi_changes"))
    dim = query(built, "select * from marts.dim_qi_project")
    assert sorted(dim["project_id"]) == sorted(projects["project_id"])
    expected = {}
    for row in projects.iter_rows(named=True):
        own = changes.filter(pl.col("project_id") == row["project_id"])
        implemented = own.filter(pl.col("decision") == "adopt")["implemented_date"].drop_nulls()
        if len(implemented):
            expected[row["project_id"]] = (min(implemented), "implemented")
        elif len(own):
            expected[row["project_id"]] = (min(own["pdsa_start"]), "pdsa_start")
        else:
            expected[row["project_id"]] = (row["start_date"], "start_date")
    actual = {r["project_id"]: (r["intervention_date"].isoformat(), r["intervention_basis"])
              for r in dim.iter_rows(named=True)}
    assert actual == expected
    assert {b for _d, b in expected.values()} == {"implemented", "pdsa_start", "start_date"}
    active = {r["project_id"] for r in projects.iter_rows(named=True)
              if r["stage"] in QI_ACTIVE_STAGES}
    assert set(dim.filter(pl.col("is_active"))["project_id"]) == active
    falls = dim.filter(pl.col("project_id") == "QI-0001").row(0, named=True)
    assert falls["intervention_date"] == dt.date(2025, 4, 1) and falls["csu_code"] == "ELD"


def test_stage_history_is_read_back_from_the_snapshots(built):
    snapshots = deliveries(built["landing"], "qi_projects").sort("_date")
    expected = set()
    for (pid,), rows in snapshots.group_by(["project_id"]):
        previous = None
        for stage, day in rows.sort("_date").select("stage", "_date").iter_rows():
            if stage != previous:
                expected.add((pid, stage, day))
            previous = stage
    stages = query(built, "select * from marts.fct_qi_project_stages")
    assert {(r["project_id"], r["stage"], r["stage_from"])
            for r in stages.iter_rows(named=True)} == expected
    current = stages.filter(pl.col("is_current"))
    assert current.height == newest(snapshots).height
    dim = query(built, "select project_id, stage, stage_since from marts.dim_qi_project")
    joined = dim.join(current, on="project_id")
    assert (joined["stage"] == joined["stage_right"]).all()
    assert (joined["stage_since"] == joined["stage_from"]).all()
    assert stages.filter(pl.col("stage_to").is_not_null()).height > 50  # projects moved on


def test_changes_spread_measures_and_events_are_the_newest_register(built):
    landing = built["landing"]
    for mart, extract, key in (
            ("fct_qi_changes", "qi_changes", ["project_id", "cycle_no"]),
            ("fct_qi_spread", "qi_spread", ["project_id", "csu_code"]),
            ("fct_qi_project_measures", "qi_project_measures",
             ["project_id", "measure_id", "level", "unit_code"])):
        expected = newest(deliveries(landing, extract)).select(key).rows()
        actual = query(built, f"select {', '.join(key)} from marts.{mart}").select(
            pl.all().cast(pl.String)).rows()
        assert sorted(actual) == sorted(tuple(map(str, r)) for r in expected), mart
    spread = query(built, "select * from marts.fct_qi_spread where project_id = 'QI-0001'")
    assert spread.filter(pl.col("is_adopted"))["csu_code"].to_list() == ["AMS"]
    events = deliveries(landing, "improvement_events")
    listed = sum(len(p.split(";")) for p in events["projects_presented"].drop_nulls())
    matched = query(built, "select * from marts.fct_improvement_event_projects")
    assert matched.height == listed > 0
    counts = query(built, "select sum(projects_presented_count) as n from "
                          "marts.fct_improvement_events")["n"][0]
    assert counts == listed


def test_local_measure_series_values(built):
    series = query(built, "select * from intermediate.int_qi_measure_series")
    values = deliveries(built["landing"], "qi_measure_values")
    assert series.height == values.height > 0
    proportion = series.filter(pl.col("denominator").is_not_null())
    assert ((proportion["value"] - proportion["numerator"] / proportion["denominator"]).abs()
            < 1e-12).all()
    count = series.filter(pl.col("denominator").is_null())
    assert count.height > 0 and (count["value"] == count["numerator"]).all()
    weekly = series.filter(pl.col("frequency") == "week")
    assert (weekly["period"].dt.weekday() == 1).all()


def _units(org: str, rows: dict) -> dict:
    """{(level, unit, period): (numerator, denominator)} with the organisation as the CSU sum."""
    out = {("csu", c, p): v for (c, p), v in rows.items()}
    for (_c, p), (n, d) in rows.items():
        n0, d0 = out.get(("organisation", org, p), (0, 0 if d is not None else None))
        out[("organisation", org, p)] = (n0 + n, None if d is None else d0 + d)
    return out


def test_m09_m10_c04_c05_match_an_independent_recomputation(built):
    landing = built["landing"]
    org = deliveries(landing, "org_structure")["org_code"][0]
    scorecard = query(built, "select measure_id, level, unit_code, period, numerator, "
                             "denominator, value from marts.fct_scorecard_monthly "
                             "where measure_id in ('M09', 'M10', 'C04', 'C05')")
    csus = sorted(set(deliveries(landing, "org_structure")["csu_code"]))
    months = sorted(set(scorecard["period"]))
    # each month's snapshot: the newest delivery on or before its end (an unchanged night's file
    # is skipped by the loader as a duplicate, and the earlier one stands for it)
    snapshots = deliveries(landing, "qi_projects")
    dates = sorted(set(snapshots["_date"]))
    month_end = pl.DataFrame({"period": months, "_date": [
        max((d for d in dates if d.replace(day=1) <= p), default=None) for p in months]})
    at_month_end = snapshots.join(month_end, on="_date")
    involved = (pl.col("quality_partner_involved") == "true") | (
        pl.col("patients_involved") == "true")
    m09, m10 = {}, {}
    for c in csus:
        for p in month_end.drop_nulls()["period"]:
            rows = at_month_end.filter((pl.col("csu_code") == c) & (pl.col("period") == p)
                                       & pl.col("stage").is_in(QI_ACTIVE_STAGES))
            m09[(c, p)] = (rows.height, None)
            m10[(c, p)] = (rows.filter(involved).height, rows.height)
    walks = deliveries(landing, "waste_walks").with_columns(
        pl.col("walk_date").str.to_date().dt.truncate("1mo").alias("period"),
        pl.col("actions_raised").cast(pl.Int64), pl.col("actions_completed").cast(pl.Int64))
    c04, c05 = {}, {}
    for c in csus:
        for p in months:
            rows = walks.filter((pl.col("csu_code") == c) & (pl.col("period") == p))
            c04[(c, p)] = (rows["walk_id"].n_unique(), None)
            c05[(c, p)] = (rows["actions_completed"].sum(), rows["actions_raised"].sum())
    for measure_id, rows in (("M09", m09), ("M10", m10), ("C04", c04), ("C05", c05)):
        expected = _units(org, rows)
        actual = {(r["level"], r["unit_code"], r["period"]): r
                  for r in scorecard.filter(pl.col("measure_id") == measure_id)
                  .iter_rows(named=True)}
        assert set(expected) <= set(actual), measure_id
        assert all(actual[k]["value"] is None for k in set(actual) - set(expected)), measure_id
        for key, (n, d) in expected.items():
            row = actual[key]
            assert row["numerator"] == n, (measure_id, key, row)
            if d is None:
                assert row["value"] == n, (measure_id, key, row)
            elif d == 0:
                assert row["value"] is None, (measure_id, key, row)
            else:
                assert math.isclose(row["value"], n / d), (measure_id, key, row)
    assert max(v for v, _d in m09.values()) > 0 and max(v for v, _d in c04.values()) > 0


def test_active_stages_are_declared_once():
    """The dbt macro lists the contract's active stages, in order."""
    macro = (DBT_DIR / "macros" / "improvement.sql").read_text(encoding="utf-8")
    body = macro.split("macro qi_active_stages() -%}")[1].split("{%-")[0]
    assert re.findall(r"'([a-z_]+)'", body) == list(QI_ACTIVE_STAGES)
