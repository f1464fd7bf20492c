from dagster_project.hooks import asset_from_step_key, failure_line


def test_failure_line_names_the_asset_and_the_cause():
    line = failure_line("raw__incidents", RuntimeError("Could not set lock on file\nmore"))
    assert line == ("PIPELINE FAILURE: raw/incidents failed: "
                    "RuntimeError: Could not set lock on file")


def test_step_key_maps_to_asset_path():
    assert asset_from_step_key("spc__spc_points") == "spc/spc_points"


def test_failed_step_is_recorded_in_the_warehouse_and_printed(tmp_path, capsys):
    import dagster as dg
    import duckdb

    from dagster_project.hooks import record_failed_run
    from dagster_project.resources import WarehouseResource

    @dg.asset(key=["raw", "incidents"])
    def broken():
        raise RuntimeError("Could not set lock on file")

    job = dg.define_asset_job("nightly", hooks={record_failed_run})
    warehouse = tmp_path / "w.duckdb"
    defs = dg.Definitions(assets=[broken], jobs=[job],
                          resources={"warehouse": WarehouseResource(path=str(warehouse))})
    result = defs.resolve_job_def("nightly").execute_in_process(raise_on_error=False)
    assert not result.success
    line = "PIPELINE FAILURE: raw/incidents failed: RuntimeError: Could not set lock on file"
    assert line in capsys.readouterr().err
    rows = duckdb.connect(str(warehouse)).sql(
        "select run_id, asset_keys, error_class, message from ops.failed_runs").fetchall()
    assert rows == [(result.run_id, "raw/incidents", "RuntimeError", line)]
