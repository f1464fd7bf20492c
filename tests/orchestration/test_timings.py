from dagster_project.timings import stage_of


def test_steps_map_to_pipeline_stages():
    assert stage_of("raw__incidents") == "ingest"
    assert stage_of("raw__incidents_contract") == "checks"
    assert stage_of("raw__incidents_gx_incidents") == "checks"
    assert stage_of("marts__fct_incidents_gx_fct_incidents") == "checks"
    assert stage_of("dbt_models") == "dbt build"
    assert stage_of("spc_tables") == "spc"
    assert stage_of("published__tables") == "publish"
    assert stage_of("report__integrated_performance_report") == "report"
    assert stage_of("spc__spc_points_gx_spc_summary") == "checks"


def test_an_unknown_extract_is_refused_by_name(capsys):
    import pytest

    from dagster_project.__main__ import main

    with pytest.raises(SystemExit) as exit_info:
        main(["run", "--extract", "nosuch"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'nosuch'" in err and "'incidents'" in err
