"""A dbt step whose built nodes did not all reach Dagster fails instead of skipping downstream.

The whole-night tests prove the other side: on a normal night every built model and seed is
reported, so the step passes (tests/test_end_to_end.py and every `tiny_night`)."""

from __future__ import annotations

import json
from pathlib import Path

from dagster_project.transform.assets import unreported_nodes


def write_run_results(path: Path, statuses: dict[str, str]) -> Path:
    results = [{"unique_id": node, "status": status} for node, status in statuses.items()]
    path.write_text(json.dumps({"results": results}), encoding="utf-8")
    return path


def test_built_models_and_seeds_that_dagster_never_received_are_named(tmp_path):
    run_results = write_run_results(tmp_path / "run_results.json", {
        "model.p.dim_measure": "success",
        "model.p.fct_incidents": "success",
        "seed.p.measure_catalogue": "success",
        "test.p.not_null_dim_measure_id.abc": "pass",   # tests are checks, not outputs
        "operation.p.on-run-start-0": "success",        # hooks are not assets
        "model.p.fct_failed": "error",                  # failures are dbt_failure's to report
    })
    reported = {"model.p.fct_incidents"}

    assert unreported_nodes(run_results, reported) == [
        "model.p.dim_measure", "seed.p.measure_catalogue"]


def test_a_night_whose_every_built_node_was_reported_has_nothing_unreported(tmp_path):
    run_results = write_run_results(tmp_path / "run_results.json", {
        "model.p.dim_measure": "success", "seed.p.measure_catalogue": "success"})

    assert unreported_nodes(run_results,
                            {"model.p.dim_measure", "seed.p.measure_catalogue"}) == []
    assert unreported_nodes(tmp_path / "missing.json", set()) == []
