"""Write-audit-publish through Dagster: real asset checks block the real publish asset."""

import dagster as dg
import duckdb
from .publish_fixtures import build_marts, handmade_tables, snapshot

from dagster_project.publish.assets import build_publish_asset
from dagster_project.quality.checks import build_suite_check
from dagster_project.resources import WarehouseResource
from dagster_project.settings import EXPECTATIONS_DIR

SCORECARD = dg.AssetKey(["marts", "fct_scorecard_monthly"])
DATA = {"q02_c1_june": 0.05, "c01_june": 0.9}


@dg.asset(key=SCORECARD)
def fake_dbt(warehouse: WarehouseResource) -> None:
    """Stands in for dbt build: marts and publish_candidate views from DATA."""
    with warehouse.connect() as con:
        build_marts(con, **DATA)


def run(tmp_path, **data):
    DATA.update({"q02_c1_june": 0.05, "c01_june": 0.9}, **data)
    assets = [fake_dbt, build_publish_asset(deps=[SCORECARD], tables=handmade_tables),
              build_suite_check(EXPECTATIONS_DIR / "marts.fct_scorecard_monthly.json")]
    return dg.materialize(assets, raise_on_error=False, resources={
        "warehouse": WarehouseResource(path=str(tmp_path / "wh.duckdb"))})


def published(result) -> bool:
    return any(e.asset_key == dg.AssetKey(["published", "tables"])
               for e in result.get_asset_materialization_events())


def test_write_audit_publish_end_to_end(tmp_path, monkeypatch):
    out = tmp_path / "published"
    monkeypatch.setenv("PUBLISH_DIR", str(out))

    first = run(tmp_path)
    assert first.success and published(first)

    def state():
        con = duckdb.connect(str(tmp_path / "wh.duckdb"))
        try:
            return snapshot(out, con)
        finally:
            con.close()

    before = state()

    # a bad extract breaks a blocking check: nothing published, earlier publication untouched
    bad = run(tmp_path, q02_c1_june=5.0)
    ev = bad.get_asset_check_evaluations()[0]
    assert not ev.passed and ev.severity == dg.AssetCheckSeverity.ERROR
    assert "proportion_within_0_1" in ev.metadata["failures"].value
    assert not published(bad)
    assert state() == before

    # a warning-only failure publishes, and the warning is recorded for that run
    warn = run(tmp_path, c01_june=40.0)
    ev = warn.get_asset_check_evaluations()[0]
    assert not ev.passed and ev.severity == dg.AssetCheckSeverity.WARN
    assert warn.success and published(warn)
    con = duckdb.connect(str(tmp_path / "wh.duckdb"))
    assert con.execute("select severity, passed from quality.check_results where run_id = ? "
                       "and check_name = 'savings_vs_plan_plausible'",
                       [warn.run_id]).fetchall() == [("WARN", False)]
    assert con.execute("select status from published.check_summary").fetchall() == [("warn",)]
    con.close()

    # fixed data publishes again
    fixed = run(tmp_path)
    assert fixed.success and published(fixed)
