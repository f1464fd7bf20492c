"""The suite files: in sync with the contracts, well-formed, and valid GX."""

import json

import pytest

from dagster_project.contracts import CONTRACTS
from dagster_project.quality.suite_file import (
    SEVERITIES, expectation_names, load_suite, parameters_used)
from dagster_project.quality.suites import (
    CONTRACT, contract_part, raw_suite_path, render_raw_suite, suite_paths, sync_raw_suites)

PATHS = suite_paths()


def test_raw_suites_are_in_sync_with_the_contracts():
    assert sync_raw_suites(write=False) == [], \
        "run `python -m dagster_project.quality.suites` after changing a contract"


def test_one_suite_per_raw_table_and_per_mart():
    names = {p.stem for p in PATHS}
    assert {f"raw.{c.name}" for c in CONTRACTS} <= names
    assert {"marts.fct_scorecard_monthly", "marts.dim_csu", "marts.fct_incidents",
            "spc.spc_points", "spc.spc_summary", "spc.spc_signals"} <= names


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_suite_is_well_formed_gx(path):
    import great_expectations as gx

    suite = load_suite(path)
    meta = suite["meta"]
    assert suite["name"] == path.stem and meta["table"] == path.stem
    gx.ExpectationSuite(**json.loads(path.read_text()))  # every type and kwarg is real GX
    names = expectation_names(suite)
    assert len(set(names)) == len(names)
    for exp in suite["expectations"]:
        assert exp["meta"].get("severity", meta["severity"]) in SEVERITIES
        assert exp["meta"].get("notes"), f"{path.name}: say why {exp['meta'].get('name')} exists"
        assert parameters_used(exp["kwargs"]) <= set(meta.get("parameters", {}))
        if "batch" in exp["meta"]:
            assert exp["meta"]["batch"] in meta.get("batches", {})


def test_regeneration_keeps_analyst_expectations_and_severity_overrides(tmp_path):
    contract = CONTRACTS[3]  # incidents
    existing = json.loads(raw_suite_path(contract).read_text())
    existing["expectations"][1]["meta"]["severity"] = "WARN"
    rendered = render_raw_suite(contract, existing)
    assert rendered["expectations"][1]["meta"]["severity"] == "WARN"
    analyst = [e for e in rendered["expectations"] if e["meta"]["source"] != CONTRACT]
    assert any(e["meta"]["name"] == "severe_harm_share_vs_usual" for e in analyst)


def test_contract_part_is_what_the_loader_cannot_see():
    """Columns, referential coverage (an aggregate batch per reference) and the delivery's
    size; the row-level rules are the loader's (tests/quality/test_checked_once.py)."""
    incidents = next(c for c in CONTRACTS if c.name == "incidents")
    exps, params, batches = contract_part(incidents)
    assert [e["meta"]["name"] for e in exps] == [
        "columns_present", "reference:site_code", "reference:location_code",
        "reference:csu_code", "table_row_count_band"]
    assert set(batches) == {"reference__site_code", "reference__location_code",
                            "reference__csu_code"}
    assert all("count(*)" in sql for sql in batches.values())
    assert set(params) == {"row_count_min", "row_count_max"}
