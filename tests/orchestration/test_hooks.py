from dagster_project.hooks import asset_from_step_key, failure_line


def test_failure_line_names_the_asset_and_the_cause():
    line = failure_line("raw__incidents", RuntimeError("Could not set lock on file\nmore"))
    assert line == ("PIPELINE FAILURE: raw/incidents failed: "
                    "RuntimeError: Could not set lock on file")


def test_step_key_maps_to_asset_path():
    assert asset_from_step_key("spc__spc_points") == "spc/spc_points"
