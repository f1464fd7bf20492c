"""The dbt project end to end: a small synthetic trust is generated, loaded into raw and built with
`dbt build`; the scorecard is then checked against an independent polars recomputation from the
landing CSV files (reference_measures.py), including the awkward cases - a location that moved
CSU, an incident regraded from low to severe, a CSU-month constructed to have no incidents, and a
savings scheme with a negative adjustment."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import polars as pl
import pytest

from .reference_measures import Trust, as_date, read_extract

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
DBT_DIR = REPO / "dbt_project"
ZERO_MONTH_INDEX = 6  # the month, counted from the first activity month, emptied for one CSU


def _dbt(args: list[str], warehouse: Path, work: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "WAREHOUSE_PATH": str(warehouse), "DBT_SEND_ANONYMOUS_USAGE_STATS": "False"}
    dbt = Path(sys.executable).parent / "dbt"
    return subprocess.run(
        [str(dbt), *args, "--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR),
         "--target-path", str(work / "target"), "--log-path", str(work / "logs")],
        env=env, capture_output=True, text=True, cwd=REPO)


def generate_trust(work: Path) -> tuple[Path, Path]:
    """The 14-month trust (seed 11) the dbt tests build: its landing folder, generated, and the
    path its warehouse goes to."""
    landing, warehouse = work / "landing", work / "warehouse.duckdb"
    gen = subprocess.run([sys.executable, "-m", "dagster_project.synthetic", "--landing",
                          str(landing), "--staff", "300", "--months", "14", "--seed", "11",
                          "--quiet"], capture_output=True, text=True, cwd=REPO)
    assert gen.returncode == 0, gen.stderr[-3000:]
    return landing, warehouse


def _empty_one_csu_month(landing: Path) -> tuple[str, dt.date]:
    """Remove, from every incidents delivery, the incidents of the busiest CSU in one month (by
    the CSU its location belonged to on the incident date), so that CSU-month has none."""
    org = read_extract(landing, "org_structure").with_columns(
        as_date("valid_from").alias("vf"), as_date("valid_to").alias("vt"))
    incidents = read_extract(landing, "incidents").with_columns(as_date("incident_date").alias("d"))
    first = min(incidents["d"])
    y, m = first.year, first.month + ZERO_MONTH_INDEX
    y, m = y + (m - 1) // 12, (m - 1) % 12 + 1
    month = dt.date(y, m, 1)
    csu = incidents.group_by("csu_code").len().sort("len", descending=True)["csu_code"][0]
    loc = org.filter(pl.col("csu_code") == csu)
    in_csu = incidents.join(loc.select("location_code", "vf", "vt"), on="location_code").filter(
        (pl.col("d") >= pl.col("vf")) & (pl.col("vt").is_null() | (pl.col("d") <= pl.col("vt")))
        & (pl.col("d").dt.truncate("1mo") == month))
    drop = set(in_csu["incident_id"])
    assert drop, "expected incidents to remove"
    for path in (landing / "incidents").glob("incidents_*.csv"):
        df = pl.read_csv(path, infer_schema=False)
        df.filter(~pl.col("incident_id").is_in(drop)).write_csv(path, null_value="")
    return csu, month


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from dagster_project.ingest.load import load_all

    work = tmp_path_factory.mktemp("dbt_trust")
    landing, warehouse = generate_trust(work)
    zero_csu, zero_month = _empty_one_csu_month(landing)
    with duckdb.connect(str(warehouse)) as con:
        load_all(con, landing)
    result = _dbt(["build"], warehouse, work)
    assert result.returncode == 0, result.stdout[-6000:]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        scorecard = con.sql("select * from marts.fct_scorecard_monthly").pl()
    return {"work": work, "landing": landing, "warehouse": warehouse, "scorecard": scorecard,
            "trust": Trust(landing), "zero": (zero_csu, zero_month), "build_log": result.stdout}


def _rows(scorecard: pl.DataFrame, measure_id: str) -> dict:
    sub = scorecard.filter(pl.col("measure_id") == measure_id)
    return {(r["level"], r["unit_code"], r["period"]): (r["numerator"], r["denominator"], r["value"],
                                                        r["null_reason"])
            for r in sub.iter_rows(named=True)}


def _close(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def _assert_grid_matches(actual: dict, expected: dict, measure_id: str) -> None:
    assert set(actual) == set(expected), (
        f"{measure_id}: rows differ; missing {sorted(set(expected) - set(actual))[:5]}, "
        f"extra {sorted(set(actual) - set(expected))[:5]}")
    bad = [(k, actual[k][:3], expected[k]) for k in expected
           if not all(_close(a, e) for a, e in zip(actual[k][:3], expected[k]))]
    assert not bad, f"{measure_id}: {len(bad)} rows differ, e.g. {bad[:3]}"
    for key, (_, den, value, reason) in actual.items():
        if value is None:
            assert reason is not None, f"{measure_id} {key}: null value without a null_reason"


GRID_MEASURES = ["Q01", "Q02", "Q03", "Q04", "Q06", "D01", "D02", "D03", "S01", "S04", "M03",
                 "M04", "M05", "M06", "M07", "C01", "C02", "C03"]


@pytest.mark.parametrize("measure_id", GRID_MEASURES)
def test_monthly_measure_matches_independent_recomputation(built, measure_id):
    expected = getattr(built["trust"], measure_id.lower())()
    _assert_grid_matches(_rows(built["scorecard"], measure_id), expected, measure_id)


@pytest.mark.parametrize("measure_id", ["M01", "M02"])
def test_survey_measure_matches_independent_recomputation(built, measure_id):
    expected = getattr(built["trust"], measure_id.lower())()
    actual = _rows(built["scorecard"], measure_id)
    assert expected, "the generator delivered no survey data"
    for key, value in expected.items():
        assert key in actual, f"{measure_id}: {key} missing"
        assert _close(actual[key][2], value), (key, actual[key], value)
    for key, row in actual.items():
        if key not in expected:
            assert row[2] is None and row[3] == "no_survey", (key, row)


def test_both_levels_and_every_month_present(built):
    scorecard, trust = built["scorecard"], built["trust"]
    monthly = scorecard.filter(pl.col("frequency") == "month")
    # 23, and the improvement register's M09, M10, M11, C04, C05 (issue 15)
    assert monthly["measure_id"].n_unique() == 28
    per_measure = monthly.group_by("measure_id").len()["len"].unique().to_list()
    assert per_measure == [len(trust.months) * (1 + len(trust.csus))]
    assert set(scorecard["level"]) == {"organisation", "csu"}


def test_constructed_month_without_incidents_is_an_explicit_zero(built):
    csu, month = built["zero"]
    for measure_id in ("Q01", "Q03"):
        row = _rows(built["scorecard"], measure_id)[("csu", csu, month)]
        numerator, denominator, value, reason = row
        assert numerator == 0 and value == 0, (measure_id, row)
        assert reason is None
    # Q01's denominator is bed days, which the CSU still had: the rate is 0, not null.
    assert _rows(built["scorecard"], "Q01")[("csu", csu, month)][1] > 0


def test_location_that_moved_csu_counts_for_the_csu_of_the_incident_date(built):
    trust = built["trust"]
    moved = trust.org.group_by("location_code").agg(pl.len().alias("n"), pl.col("csu_code"),
                                                     pl.col("vf"), pl.col("vt"))
    moved = moved.filter(pl.col("n") > 1)
    assert moved.height >= 1, "the generator should move at least one location"
    location = moved["location_code"][0]
    versions = trust.org.filter(pl.col("location_code") == location).sort("vf")
    old_csu, new_csu = versions["csu_code"][0], versions["csu_code"][1]
    move_day = versions["vf"][1]
    inc = trust.incidents().filter(pl.col("location_code") == location)
    before = inc.filter(pl.col("idate") < move_day)
    after = inc.filter(pl.col("idate") >= move_day)
    assert before.height and after.height, "the moved location needs incidents on both sides"
    assert set(before["unit"]) == {old_csu} and set(after["unit"]) == {new_csu}
    with duckdb.connect(str(built["warehouse"]), read_only=True) as con:
        got = dict(con.execute("select incident_id, csu_code from marts.fct_incidents "
                               "where location_code = ?", [location]).fetchall())
    for row in inc.iter_rows(named=True):
        assert got[row["incident_id"]] == (old_csu if row["idate"] < move_day else new_csu)
    # and the CSU-level Q01 numerators match the recomputation in the months around the move
    q01 = _rows(built["scorecard"], "Q01")
    expected = trust.q01()
    for period in trust.months:
        for csu in (old_csu, new_csu):
            assert q01[("csu", csu, period)][0] == expected[("csu", csu, period)][0]


def test_incident_regraded_from_low_to_severe_counts_with_its_latest_grading(built):
    deliveries = read_extract(built["landing"], "incidents").sort("_extract_date", "_row_number")
    history = deliveries.group_by("incident_id", maintain_order=True).agg(pl.col("physical_harm"))
    regraded = history.filter(
        (pl.col("physical_harm").list.first() == "low")
        & pl.col("physical_harm").list.last().is_in(["severe", "fatal"]))
    assert regraded.height >= 1, "the generator should regrade an incident from low to severe"
    trust = built["trust"]
    target = trust.incidents().filter(pl.col("incident_id").is_in(regraded["incident_id"])
                                      & pl.col("psi") & pl.col("imonth").is_in(trust.months))
    assert target.height >= 1
    incident = target.row(0, named=True)
    with duckdb.connect(str(built["warehouse"]), read_only=True) as con:
        fact = con.execute("select physical_harm, regrade_count from marts.fct_incidents "
                           "where incident_id = ?", [incident["incident_id"]]).fetchone()
        history_rows = con.execute(
            "select previous_physical_harm, physical_harm from marts.fct_incident_regradings "
            "where incident_id = ? and is_regrade order by delivery_number",
            [incident["incident_id"]]).fetchall()
    assert fact[0] in ("severe", "fatal") and fact[1] >= 1
    assert history_rows[0][0] == "low"
    q03 = _rows(built["scorecard"], "Q03")[("csu", incident["unit"], incident["imonth"])]
    assert q03[0] >= 1
    assert q03[0] == trust.q03()[("csu", incident["unit"], incident["imonth"])][0]


def test_scheme_with_negative_adjustment(built):
    trust = built["trust"]
    savings = trust._savings()
    negative = savings.filter(pl.col("actual_gbp") < 0)
    assert negative.height >= 1, "the generator should deliver a reversal"
    row = negative.row(0, named=True)
    key = ("csu", row["csu_code"], row["p"])
    c02 = _rows(built["scorecard"], "C02")[key]
    expected = trust.c02()[key]
    assert _close(c02[0], expected[0]) and _close(c02[2], expected[2])
    month = savings.filter((pl.col("csu_code") == row["csu_code"]) & (pl.col("p") == row["p"]))
    assert _close(c02[2], month["actual_gbp"].sum())
    assert month["actual_gbp"].sum() < month.filter(pl.col("actual_gbp") > 0)["actual_gbp"].sum()


def test_published_views_suppress_small_numbers_below_organisation(built):
    with duckdb.connect(str(built["warehouse"]), read_only=True) as con:
        leaked = con.execute("""
            select count(*) from publish_candidate.scorecard_monthly p
            join marts.dim_measure m using (measure_id)
            where p.level = 'csu' and m.suppression = 'small_count' and not p.is_suppressed
              and p.value is not null
              and ((p.numerator between 1 and 4) or (p.denominator between 1 and 4))""").fetchone()[0]
        suppressed = con.execute("select count(*) from publish_candidate.scorecard_monthly "
                                 "where is_suppressed").fetchone()[0]
        org_suppressed = con.execute("select count(*) from publish_candidate.scorecard_monthly "
                                     "where is_suppressed and level = 'organisation'").fetchone()[0]
        survey_leak = con.execute("""select count(*) from publish_candidate.staff_survey_themes
            where breakdown_type <> 'organisation' and responses < 11""").fetchone()[0]
        true_values = con.execute("""select count(*) from marts.fct_scorecard_monthly
            where level = 'csu' and measure_id = 'Q03' and numerator between 1 and 4""").fetchone()[0]
    assert leaked == 0 and survey_leak == 0 and org_suppressed == 0
    assert suppressed > 0 and true_values > 0  # the warehouse keeps what publication withholds


def test_incremental_rerun_changes_nothing(built):
    with duckdb.connect(str(built["warehouse"]), read_only=True) as con:
        before = con.sql("select * from marts.fct_incidents order by incident_id").pl()
        training_before = con.sql("select * from marts.fct_training_compliance "
                                  "order by all").pl()
    result = _dbt(["run", "-s", "fct_incidents", "fct_training_compliance"], built["warehouse"],
                  built["work"])
    assert result.returncode == 0, result.stdout[-3000:]
    with duckdb.connect(str(built["warehouse"]), read_only=True) as con:
        after = con.sql("select * from marts.fct_incidents order by incident_id").pl()
        training_after = con.sql("select * from marts.fct_training_compliance "
                                 "order by all").pl()
    assert before.equals(after)
    assert training_before.equals(training_after)
