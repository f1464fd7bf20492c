"""The suites as real Dagster asset checks: results, metadata, history, blocking."""

from datetime import date

import dagster as dg
from .quality_fixtures import good_incidents, insert_raw, org_rows

from dagster_project.quality.checks import build_contract_check, build_suite_check
from dagster_project.quality.suite_file import load_suite
from dagster_project.resources import WarehouseResource
from dagster_project.settings import EXPECTATIONS_DIR

BAD = {"flag": False}


@dg.asset(key=["raw", "incidents"])
def fake_raw_incidents(warehouse: WarehouseResource) -> None:
    """Stands in for the ingest asset: writes one delivery, bad when BAD['flag']."""
    with warehouse.connect() as con:
        con.execute("drop schema if exists raw cascade")
        insert_raw(con, "org_structure", org_rows(), date(2025, 1, 1))
        rows = good_incidents()
        if BAD["flag"]:  # a CSU not in org_structure: only the suite sees a reference gone
            rows[0]["csu_code"] = "NOPE"
        insert_raw(con, "incidents", rows, date(2025, 7, 1))


@dg.asset(key=["marts", "downstream"], deps=[dg.AssetKey(["raw", "incidents"])])
def downstream() -> None:
    pass


def materialized(result) -> set[str]:
    return {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}


def _run(tmp_path, bad: bool):
    BAD["flag"] = bad
    check = build_suite_check(EXPECTATIONS_DIR / "raw.incidents.json")
    contract = build_contract_check("incidents")
    resources = {"warehouse": WarehouseResource(path=str(tmp_path / "wh.duckdb"))}
    return dg.materialize([fake_raw_incidents, downstream, check, contract],
                          resources=resources, raise_on_error=False)


def test_suite_check_passes_records_history_and_lets_downstream_run(tmp_path):
    result = _run(tmp_path, bad=False)
    assert result.success
    evals = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert evals["gx_incidents"].passed and evals["contract"].passed
    assert "marts/downstream" in materialized(result)
    import duckdb

    con = duckdb.connect(str(tmp_path / "wh.duckdb"))
    n, runs = con.execute("select count(*), count(distinct run_id) from quality.check_results "
                          "where check_source = 'gx'").fetchone()
    suite = load_suite(EXPECTATIONS_DIR / "raw.incidents.json")
    assert n == len(suite["expectations"]) and runs == 1
    assert con.execute("select distinct run_id from quality.check_results").fetchone()[0] \
        == result.run_id


def test_blocking_error_stops_downstream_and_metadata_names_the_failure(tmp_path):
    result = _run(tmp_path, bad=True)
    ev = {e.check_name: e for e in result.get_asset_check_evaluations()}["gx_incidents"]
    assert not ev.passed and ev.severity == dg.AssetCheckSeverity.ERROR
    md = ev.metadata["failures"].value
    assert "reference:csu_code" in md and "NOPE" not in md  # a count, never the row's value
    assert ev.metadata["failed_error"].value == 1
    assert materialized(result) == {"raw/incidents"}


def test_a_rerun_on_unchanged_data_carries_the_verdict_and_a_change_is_checked(tmp_path):
    first = _run(tmp_path, bad=False)
    second = _run(tmp_path, bad=False)  # the asset rewrites the very same rows
    ev = {e.check_name: e for e in second.get_asset_check_evaluations()}["gx_incidents"]
    assert ev.passed and ev.metadata["carried_from_run"].value == first.run_id
    assert f"carried from run {first.run_id}" in ev.description
    third = _run(tmp_path, bad=True)
    ev = {e.check_name: e for e in third.get_asset_check_evaluations()}["gx_incidents"]
    assert not ev.passed and "carried_from_run" not in ev.metadata


def test_quality_checks_cover_every_suite_and_extract():
    from dagster_project.contracts import CONTRACTS
    from dagster_project.quality.checks import quality_checks
    from dagster_project.quality.suites import suite_paths

    keys = [k for c in quality_checks for k in c.check_keys]
    assert len(keys) == len(set(keys)) == len(suite_paths()) + len(CONTRACTS)
    by_name = {(k.asset_key.to_user_string(), k.name): c for c in quality_checks
               for k in c.check_keys}
    spec = next(iter(by_name[("marts/fct_scorecard_monthly", "gx_fct_scorecard_monthly")]
                     .check_specs))
    assert spec.blocking
    contract = next(iter(by_name[("raw/incidents", "contract")].check_specs))
    assert not contract.blocking


def test_publish_asset_depends_on_every_checked_asset():
    from dagster_project.publish.assets import checked_asset_keys, publish_assets

    (asset,) = publish_assets
    deps = set(next(iter(asset.asset_deps.values())))
    assert set(checked_asset_keys()) <= deps
    assert dg.AssetKey(["marts", "fct_scorecard_monthly"]) in deps
