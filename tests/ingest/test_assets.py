"""The ingest assets: one per contract, wired by references, materialised for real."""

import dagster as dg
import duckdb
import pytest

from dagster_project.contracts import CONTRACTS, CONTRACTS_BY_NAME
from dagster_project.ingest import assets as assets_module
from dagster_project.ingest.assets import build_ingest_asset, ingest_assets, is_transient
from dagster_project.resources import DUCKDB_WRITER_POOL, WarehouseResource

from .ingest_helpers import valid_rows


@pytest.fixture
def env(tmp_path, monkeypatch, landing):
    monkeypatch.setenv("LANDING_DIR", str(landing.dir))
    monkeypatch.setenv("FILE_STABLE_SECONDS", "0")
    return {"warehouse": WarehouseResource(path=str(tmp_path / "dagster.duckdb"))}


def test_asset_graph():
    graph = {
        a.key.to_user_string(): sorted(k.to_user_string() for k in a.asset_deps[a.key])
        for a in ingest_assets
    }
    assert graph == {
        "raw/org_structure": [],
        "raw/activity": ["raw/org_structure"],
        "raw/workforce": ["raw/org_structure"],
        "raw/incidents": ["raw/org_structure"],
        "raw/fft_responses": ["raw/org_structure"],
        "raw/staff_survey_scores": [],
        "raw/pulse_survey": ["raw/org_structure"],
        "raw/mandatory_training": ["raw/org_structure"],
        "raw/improvement_training": ["raw/org_structure"],
        "raw/waste_schemes": ["raw/org_structure"],
        "raw/waste_savings": ["raw/waste_schemes"],
        "raw/qi_projects": ["raw/org_structure", "raw/waste_schemes"],
        "raw/qi_project_measures": ["raw/qi_projects"],
        "raw/qi_measure_values": ["raw/qi_projects"],
        "raw/qi_changes": ["raw/qi_projects"],
        "raw/qi_spread": ["raw/org_structure", "raw/qi_projects"],
        "raw/waste_walks": ["raw/org_structure"],
        "raw/improvement_events": [],
    }
    for a in ingest_assets:
        spec = a.specs_by_key[a.key]
        assert spec.group_name == "ingest"
        assert a.op.pool == DUCKDB_WRITER_POOL
        assert a.op.retry_policy.backoff == dg.Backoff.EXPONENTIAL
        assert "warehouse" in a.required_resource_keys
    assert len(ingest_assets) == len(CONTRACTS)


def test_definitions_load():
    defs = dg.Definitions(assets=ingest_assets, resources={"warehouse": WarehouseResource()})
    dg.Definitions.validate_loadable(defs)
    assert defs.resolve_asset_graph().get(dg.AssetKey(["raw", "waste_savings"])).parent_keys == {
        dg.AssetKey(["raw", "waste_schemes"])}


def test_materialise_every_ingest_asset(env, landing):
    for contract in CONTRACTS:
        landing.write_rows(contract.name)
    rows = valid_rows("incidents")
    rows[0]["physical_harm"] = "catastrophic"
    landing.write_rows("incidents", rows, name="incidents_20250131_v2.csv")
    landing.write_text("activity", "activity_20250201.csv", "month;csu_code\n2025-02;X\n")

    result = dg.materialize(ingest_assets, resources=env)
    assert result.success
    meta = {m.asset_key.to_user_string(): m.metadata
            for m in result.get_asset_materialization_events() for m in [m.materialization]}
    assert set(meta) == {f"raw/{c.name}" for c in CONTRACTS}

    inc = meta["raw/incidents"]
    assert (inc["files_loaded"].value, inc["files_rejected"].value, inc["rows_in"].value,
            inc["rows_loaded"].value, inc["rows_quarantined"].value) == (1, 0, 3, 2, 1)
    assert inc["dagster/row_count"].value == 2
    assert "| incidents_20250131_v2.csv | loaded | 3 | 2 | 1 | loaded 2 of 3 rows; " \
           "1 quarantined (not_allowed: 1) |" in inc["files"].value

    act = meta["raw/activity"]  # a rejected file: recorded, and the asset still succeeds
    assert (act["files_loaded"].value, act["files_rejected"].value) == (1, 1)
    assert ("activity_20250201.csv rejected: not comma-separated: line 1 (the header) is a "
            "single column (the delimiter looks like ';')") in act["files"].value

    # a second run finds nothing new
    again = dg.materialize(ingest_assets, resources=env)
    assert again.success
    for m in again.get_asset_materialization_events():
        md = m.materialization.metadata
        assert md["files_loaded"].value == 0 and md["files_rejected"].value == 0
    con = duckdb.connect(env["warehouse"].path, read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM raw.load_log").fetchone()[0] == len(CONTRACTS) + 1
    finally:
        con.close()


def test_load_order_error_fails_without_retry(env, landing):
    landing.write_rows("incidents")
    incidents = next(a for a in ingest_assets if a.key == dg.AssetKey(["raw", "incidents"]))
    result = dg.materialize([incidents], resources=env,
                            raise_on_error=False)
    assert not result.success
    types = [e.event_type_value for e in result.all_events]
    assert "STEP_UP_FOR_RETRY" not in types
    [failure] = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert "materialise raw/org_structure first" in str(failure.event_specific_data.error)


def test_transient_lock_error_is_retried(env, landing, monkeypatch):
    monkeypatch.setattr(assets_module, "RETRY_POLICY", dg.RetryPolicy(max_retries=2, delay=0))
    asset = build_ingest_asset(CONTRACTS_BY_NAME["org_structure"])
    landing.write_rows("org_structure")
    real = assets_module.load_extract
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise duckdb.IOException('Could not set lock on file "w.duckdb": Conflicting lock')
        return real(*args, **kwargs)

    monkeypatch.setattr(assets_module, "load_extract", flaky)
    result = dg.materialize([asset], resources=env)
    assert result.success and len(calls) == 2


def test_transient_errors():
    assert is_transient(duckdb.IOException("Could not set lock on file"))
    assert is_transient(duckdb.TransactionException("Transaction conflict"))
    assert not is_transient(duckdb.IOException("No such file"))
    assert not is_transient(ValueError("lock"))
