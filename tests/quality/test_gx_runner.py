"""Real suites, real GX, a hand-built DuckDB."""

from datetime import date

from .quality_fixtures import build_marts, good_incidents, incident, insert_raw

from dagster_project.quality import chunking
from dagster_project.quality.gx_runner import run_suite
from dagster_project.settings import EXPECTATIONS_DIR

INCIDENTS = EXPECTATIONS_DIR / "raw.incidents.json"
SCORECARD = EXPECTATIONS_DIR / "marts.fct_scorecard_monthly.json"


def by_name(result):
    return {o.name: o for o in result.outcomes}


def test_good_incidents_pass_every_expectation(raw_incidents):
    result = run_suite(raw_incidents, INCIDENTS)
    assert result.passed, [(o.name, o.observed_value) for o in result.failed]
    assert result.rows_checked == 240  # the latest delivery only
    assert [o.name for o in result.outcomes] == [
        "columns_present", "reference:site_code", "reference:location_code",
        "reference:csu_code", "table_row_count_band", "freshness:reported_date",
        "severe_harm_share_vs_usual", "moderate_or_worse_share_vs_usual",
        "category_share_vs_usual", "other_category_share"]


def test_a_reference_gone_since_loading_is_an_error(raw_incidents):
    """The loader checked each reference when the row arrived; a reference table changed since
    (a correction without a CSU) is what only the suite can see. Counted in DuckDB."""
    raw_incidents.execute("delete from raw.org_structure where csu_code = 'C3'")
    result = run_suite(raw_incidents, INCIDENTS)
    out = by_name(result)
    # the CSU's wards went with it
    assert [o.name for o in result.failed] == ["reference:location_code", "reference:csu_code"]
    csu = out["reference:csu_code"]
    c3_rows = sum(1 for r in good_incidents() if r["csu_code"] == "C3")
    assert csu.severity == "ERROR" and csu.observed_value == str(c3_rows)
    assert result.severity == "ERROR" and not result.passed


def test_old_deliveries_are_not_rechecked(raw_incidents):
    """Raw keeps history; only the newest delivery is validated."""
    rows = good_incidents()
    rows[3]["csu_code"] = "NOPE"
    insert_raw(raw_incidents, "incidents", rows, date(2025, 5, 1))
    assert run_suite(raw_incidents, INCIDENTS).passed


def test_a_severe_harm_spike_is_a_warning_not_an_error(raw_incidents):
    spike = [incident(1000 + i, 6, harm="severe" if i % 2 else "low") for i in range(60)]
    insert_raw(raw_incidents, "incidents", good_incidents(months=(1, 2, 3, 4, 5)) + spike,
               date(2025, 7, 9))
    result = run_suite(raw_incidents, INCIDENTS)
    failed = {o.name: o.severity for o in result.failed}
    assert failed == {"severe_harm_share_vs_usual": "WARN",
                      "moderate_or_worse_share_vs_usual": "WARN"}
    assert result.severity == "WARN" and not result.blocking_failed


def test_a_short_delivery_is_a_row_count_warning(raw_incidents):
    insert_raw(raw_incidents, "incidents", good_incidents(n_per_month=15), date(2025, 7, 9))
    out = by_name(run_suite(raw_incidents, INCIDENTS))
    band = out["table_row_count_band"]
    assert (band.success, band.severity, band.observed_value) == (False, "WARN", "90")
    assert [o.name for o in out.values() if not o.success] == ["table_row_count_band"]


def test_stale_extract_is_a_freshness_warning(raw_incidents, monkeypatch):
    monkeypatch.setenv("QUALITY_AS_OF_DATE", "2025-12-01")
    result = run_suite(raw_incidents, INCIDENTS)
    assert [(o.name, o.severity) for o in result.failed] == [("freshness:reported_date", "WARN")]


def test_missing_table_is_one_clear_error(con):
    result = run_suite(con, INCIDENTS)
    assert [(o.name, o.severity, o.observed_value) for o in result.outcomes] == [
        ("table_exists", "ERROR", "table raw.incidents does not exist")]


def test_scorecard_suite_passes_on_good_marts(con):
    build_marts(con)
    result = run_suite(con, SCORECARD)
    assert result.passed, [(o.name, o.observed_value) for o in result.failed]


def test_scorecard_proportions_csus_and_null_reasons(con):
    build_marts(con, value_override={
        "pct": "update marts.fct_scorecard_monthly set value = 5, numerator = 500 "
               "where measure_id = 'Q02' and unit_code = 'C1' and period = '2025-06-01'",
        "csu": "update marts.fct_scorecard_monthly set unit_code = 'C9' where unit_code = 'C2' "
               "and measure_id = 'M01' and period = '2025-06-01'",
        "null": "update marts.fct_scorecard_monthly set value = null "
                "where measure_id = 'M01' and unit_code = 'C1' and period = '2025-05-01'",
        "savings": "update marts.fct_scorecard_monthly set value = 40 "
                   "where measure_id = 'C01' and unit_code = 'ZZZ' and period = '2025-06-01'",
    })
    out = by_name(run_suite(con, SCORECARD))
    failed = {n: o.severity for n, o in out.items() if not o.success}
    assert failed == {"proportion_within_0_1": "ERROR",
                      "numerator_not_above_denominator": "ERROR",
                      "csu_in_dim_csu:unit_code": "ERROR",
                      "null_value_has_reason": "ERROR",
                      "savings_vs_plan_plausible": "WARN"}
    assert out["csu_in_dim_csu:unit_code"].partial_unexpected[0]["value"] == "C9"
    assert out["proportion_within_0_1"].partial_unexpected[0]["value"] == 5.0


def test_row_count_band_uses_the_previous_run_in_history(con):
    from dagster_project.quality.history import record_gx_results

    build_marts(con)
    first = run_suite(con, SCORECARD, run_id="r1")
    record_gx_results(con, first, "r1")
    con.execute("delete from marts.fct_scorecard_monthly where period < '2025-05-01'")
    second = by_name(run_suite(con, SCORECARD, run_id="r2"))
    band = second["table_row_count_band"]
    assert not band.success and band.severity == "WARN" and band.observed_value == "18"


def test_parameter_failure_fails_only_its_expectations(con):
    build_marts(con)
    con.execute("drop table marts.dim_csu")
    out = by_name(run_suite(con, SCORECARD))
    failed = [n for n, o in out.items() if not o.success]
    assert failed == ["csu_in_dim_csu:unit_code"]
    assert "dim_csu" in out["csu_in_dim_csu:unit_code"].observed_value


def test_every_raw_suite_runs_without_gx_errors(con):
    """Each raw suite on an empty table of its contract: expectations may fail (no rows), but
    none may be malformed for GX (a wrong kwarg type fails only at validation time)."""
    from dagster_project.contracts import CONTRACTS
    from .quality_fixtures import create_raw

    for contract in CONTRACTS:
        create_raw(con, contract.name)
    for contract in CONTRACTS:
        result = run_suite(con, EXPECTATIONS_DIR / f"raw.{contract.name}.json")
        broken = [(o.name, o.error) for o in result.outcomes
                  if o.error and ("GX could not" in o.error or "batch" in o.error)]
        assert not broken, (contract.name, broken)


def test_only_the_columns_expectations_read_are_fetched(con):
    """A wide table is fetched as the columns its expectations name; the others stay present by
    name (a column-set expectation still passes) but hold no data."""
    from dagster_project.quality.batches import fetch_frame
    from dagster_project.quality.suite_file import columns_used

    con.execute("create schema if not exists scratch")
    con.execute("create or replace table scratch.wide as select range as id, "
                "repeat('x', 64) as lineage_hash, range % 3 as grp from range(1000)")
    suite = {"name": "wide", "meta": {"table": "scratch.wide", "asset_key": ["scratch", "wide"]},
             "expectations": [
                 {"type": "expect_table_columns_to_match_set",
                  "kwargs": {"column_set": ["id", "lineage_hash", "grp"], "exact_match": True}},
                 {"type": "expect_column_values_to_be_in_set",
                  "kwargs": {"column": "grp", "value_set": [0, 1, 2]}},
                 {"type": "expect_table_row_count_to_be_between",
                  "kwargs": {"min_value": 1000, "max_value": 1000}}]}
    assert columns_used(suite["expectations"]) == {"grp"}
    df = fetch_frame(con, "select * from scratch.wide", {"grp"})
    assert list(df.columns) == ["id", "lineage_hash", "grp"]
    assert df["lineage_hash"].isna().all() and df["grp"].notna().all()
    result = run_suite(con, suite)
    assert result.passed, [(o.name, o.observed_value) for o in result.failed]
    assert result.rows_checked == 1000


ROW_WISE_SUITE = {  # what the raw suites checked row by row before the loader was the gate
    "name": "row_wise", "meta": {
        "table": "raw.incidents", "asset_key": ["raw", "incidents"], "batch": "latest_delivery",
        "parameters": {"csus": {"kind": "values",
                                "sql": "select distinct csu_code from raw.org_structure"}}},
    "expectations": [
        {"type": "expect_column_values_to_be_in_set", "meta": {"name": "harm"},
         "kwargs": {"column": "physical_harm",
                    "value_set": ["none", "low", "moderate", "severe", "fatal"]}},
        {"type": "expect_column_values_to_be_unique", "meta": {"name": "unique_key"},
         "kwargs": {"column": "incident_id"}},
        {"type": "expect_column_values_to_be_in_set", "meta": {"name": "csu"},
         "kwargs": {"column": "csu_code", "value_set": {"$PARAMETER": "csus"}}},
        {"type": "expect_table_row_count_to_be_between", "meta": {"name": "rows"},
         "kwargs": {"min_value": 1}}]}


def test_a_batch_validated_in_chunks_gives_the_same_results(raw_incidents, monkeypatch):
    """Over GX_CHUNK_ROWS rows, row-wise expectations run chunk by chunk and add up; the rest
    see the whole batch: every outcome is what one frame gives (a duplicate key across chunks
    still counts)."""
    rows = good_incidents()
    rows[0]["physical_harm"] = "catastrophic"
    rows[-1]["physical_harm"] = "catastrophic"
    rows[1]["incident_id"] = rows[-2]["incident_id"]  # a duplicate key in different chunks
    rows[3]["csu_code"] = "NOPE"
    insert_raw(raw_incidents, "incidents", rows, date(2025, 7, 8))
    whole = run_suite(raw_incidents, ROW_WISE_SUITE)
    monkeypatch.setenv("GX_CHUNK_ROWS", "2")
    chunked = run_suite(raw_incidents, ROW_WISE_SUITE)
    assert chunked.rows_checked == whole.rows_checked == len(rows) > 2

    def summary(result):
        return {o.name: (o.success, o.unexpected_count, o.element_count, o.severity,
                         sorted(map(str, o.partial_unexpected))) for o in result.outcomes}

    assert summary(chunked) == summary(whole)
    harm = by_name(chunked)["harm"]
    assert harm.unexpected_count == 2 and not harm.success
    assert "catastrophic" in str(harm.partial_unexpected)
    assert by_name(chunked)["unique_key"].unexpected_count == 2
    assert "NOPE" in str(by_name(chunked)["csu"].partial_unexpected)


def test_uniqueness_over_a_big_batch_is_judged_on_the_repeated_keys(con, monkeypatch):
    """Over GX_CHUNK_ROWS rows GX sees only the rows whose key repeats (DuckDB finds them);
    rows, nulls, failing rows and the observed value are what GX gives over every row."""
    con.execute("create schema if not exists scratch")
    con.execute("""create or replace table scratch.keys as
        select case when range in (10, 20, 30) then 7          -- row 7 is 7 too: four times
                    when range = 40 then 8                      -- and 8 twice
                    when range % 97 = 0 then null               -- keys missing
                    else range end as k, range as other
        from range(1000)""")
    suite = {"name": "keys", "meta": {"table": "scratch.keys", "asset_key": ["scratch", "keys"]},
             "expectations": [
                 {"type": "expect_column_values_to_be_unique", "kwargs": {"column": "k"},
                  "meta": {"name": "unique_k"}},
                 {"type": "expect_column_values_to_be_unique", "kwargs": {"column": "other"},
                  "meta": {"name": "unique_other"}},
                 {"type": "expect_table_row_count_to_be_between",
                  "kwargs": {"min_value": 1000, "max_value": 1000}, "meta": {"name": "rows"}}]}

    def summary(result):
        return {o.name: (o.success, o.unexpected_count, o.element_count, o.observed_value,
                         o.unexpected_percent, sorted(map(str, o.partial_unexpected)))
                for o in result.outcomes}

    whole = run_suite(con, suite)
    monkeypatch.setenv("GX_CHUNK_ROWS", "100")
    frames = []  # the rows GX was given for the uniqueness of k (the real validation runs)
    real = chunking.validate_frame

    def seen(df, expectations, parameters):
        if [e["kwargs"].get("column") for e in expectations] == ["k"]:
            frames.append(len(df))
        return real(df, expectations, parameters)

    monkeypatch.setattr(chunking, "validate_frame", seen)
    repeated_only = run_suite(con, suite)
    assert frames == [7]  # the six rows whose key repeats, and one of the missing keys
    assert summary(repeated_only) == summary(whole)
    assert by_name(whole)["unique_k"].unexpected_count == 6  # rows 7, 10, 20, 30; rows 8, 40
    assert not by_name(whole)["unique_k"].success and by_name(whole)["unique_other"].success
