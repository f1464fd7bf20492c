"""The main job, end to end, on a small synthetic trust: real files, DuckDB, dbt, polars SPC,
Great Expectations, publication and the report. The tests that run a further night (a re-run, a
new day's delivery) run it on a copy of the tiny trust's night (`tiny_night`)."""

from __future__ import annotations

import duckdb
import polars as pl
import pytest

from dagster_project.synthetic.signals import FALLS_STEP, FFT_DECLINE, SEVERE_HARM_SPIKE

from .conftest import copy_env, run_nightly
from .transform.test_dbt_carry import assert_dbt_not_started

pytestmark = pytest.mark.integration


def published(env, sql):
    con = duckdb.connect(str(env.warehouse), read_only=True)
    try:
        return con.sql(sql).pl()
    finally:
        con.close()


def test_main_job_succeeds_and_publishes(pipeline_run):
    env, result = pipeline_run
    failures = [e.event_specific_data for e in result.all_events if e.is_step_failure]
    assert result.success, failures
    tables = set(published(env, "select table_name from information_schema.tables "
                                "where table_schema = 'published'")["table_name"])
    assert {"scorecard_monthly", "scorecard_latest", "dim_measure", "dim_csu", "spc_points",
            "spc_summary", "spc_signals", "check_summary", "data_quality"} <= tables
    assert (env.report / "index.html").exists()
    assert any((env.publish / "current").glob("spc_summary/*.parquet"))


def test_every_catalogued_chart_is_in_spc_summary(pipeline_run):
    env, _ = pipeline_run
    charted = published(env, """
        select count(distinct measure_id) as measures, count(distinct unit_code) as units
        from published.spc_summary""").row(0)
    catalogue = published(env, "select count(*) from published.dim_measure "
                               "where chart_type <> 'none'").item()
    assert charted[0] == catalogue
    assert charted[1] == 19  # the trust and its 18 CSUs


def points(env, signal, level="csu"):
    unit = signal.csu_code if level == "csu" else published(
        env, "select distinct unit_code from published.spc_summary "
             "where level = 'organisation'").item()
    return published(env, f"""
        select period, value, special_cause_type, point_type from published.spc_points
        where measure_id = '{signal.measure_id}' and level = '{level}'
          and unit_code = '{unit}' order by period""")


def test_planted_falls_step_is_an_improvement_below_the_centre_line(pipeline_run):
    env, _ = pipeline_run
    after = points(env, FALLS_STEP).filter(
        pl.col("period") >= pl.date(*map(int, FALLS_STEP.month.split("-")), 1))
    improving = after.filter(pl.col("point_type") == "special_cause_improvement")
    assert improving.height >= 7, after
    assert set(improving["special_cause_type"]) <= {
        "7 Points Below CL", "Below LCL", "2 in 3 Below CL", "7 Point Trend (Decreasing)"}


def test_planted_fft_decline_is_a_decreasing_trend_of_concern(pipeline_run):
    env, _ = pipeline_run
    late = points(env, FFT_DECLINE).filter(
        pl.col("period") >= pl.date(*map(int, FFT_DECLINE.month.split("-")), 1))
    concern = late.filter(pl.col("point_type") == "special_cause_concern")
    assert "7 Point Trend (Decreasing)" in set(concern["special_cause_type"]) or \
        "Below LCL" in set(concern["special_cause_type"]), late


@pytest.mark.parametrize("level", ["csu", "organisation"])
def test_planted_severe_harm_spike_is_above_the_upper_limit(pipeline_run, level):
    env, _ = pipeline_run
    month = pl.date(*map(int, SEVERE_HARM_SPIKE.month.split("-")), 1)
    spike = points(env, SEVERE_HARM_SPIKE, level).filter(pl.col("period") == month).row(
        0, named=True)
    assert spike["special_cause_type"] == "Above UCL"
    assert spike["point_type"] == "special_cause_concern"


def test_sensor_drives_a_run_for_a_new_day_of_incidents(tiny_night, tmp_path):
    import datetime as dt

    import dagster as dg

    from dagster_project.definitions import build_definitions
    from dagster_project.sensors import landing_folder_sensor
    from dagster_project.synthetic.deliveries import new_day_of_incidents

    from .conftest import environment

    env = copy_env(tiny_night, tmp_path / "night")
    with environment(env.variables):
        defs = build_definitions()
        seen = dg.build_sensor_context(definitions=defs)
        landing_folder_sensor(seen)  # the files already loaded
        new_day_of_incidents(env.landing, dt.date(2026, 11, 1), count=20)
        context = dg.build_sensor_context(cursor=seen.cursor, definitions=defs)
        request = landing_folder_sensor(context)
        assert isinstance(request, dg.RunRequest)
        assert request.tags["extracts"] == "incidents"
        result = defs.resolve_job_def("nightly").execute_in_process(
            instance=dg.DagsterInstance.ephemeral(), asset_selection=request.asset_selection)
    assert result.success
    ran = {e.step_key for e in result.all_events if e.is_step_success}
    assert "raw__incidents" in ran and "published__tables" in ran
    assert "raw__mandatory_training" not in ran
    assert published(env, "select count(*) from marts.fct_incidents "
                          "where incident_id like 'NEWDAY%'").item() == 20
    latest = published(env, "select latest_extract_date from published.data_quality "
                            "where extract = 'incidents'").item()
    assert latest == dt.date(2026, 11, 1)


def test_rerun_gives_the_same_published_tables(tiny_night, tmp_path):
    env = copy_env(tiny_night, tmp_path / "night")  # a night already run, to run again
    query = "select * from published.{} order by all"
    before = {t: published(env, query.format(t)) for t in ("scorecard_monthly", "spc_points",
                                                            "spc_summary", "spc_signals")}
    again = run_nightly(env)
    assert again.success
    assert_dbt_not_started(again)  # nothing dbt reads changed: every node carried
    for table, frame in before.items():
        after = published(env, query.format(table))
        assert after.equals(frame), f"published.{table} changed on a re-run"


def test_run_command_for_one_extract_reports_where_the_time_went(tiny_night, tmp_path,
                                                                 capsys):
    """`python -m dagster_project run --extract incidents --timings FILE`: that extract and what
    is downstream of it, with every step's wall time in the file and by stage in the summary; a
    console of one line per finished step (no Dagster DEBUG events, no dbt log lines) and a
    summary of what this run loaded beside the all-time totals."""
    import datetime as dt
    import json

    from dagster_project.__main__ import main
    from dagster_project.synthetic.deliveries import new_day_of_incidents

    from .conftest import environment

    env = copy_env(tiny_night, tmp_path / "night")
    new_day_of_incidents(env.landing, dt.date(2026, 11, 2), count=5)
    timings = tmp_path / "timings.json"
    with environment({**env.variables, "DAGSTER_HOME": str(tmp_path / "home")}):
        code = main(["run", "--no-synthetic", "--extract", "incidents", "--timings",
                     str(timings)])
    assert code == 0
    data = json.loads(timings.read_text())
    steps = {s["step_key"]: s for s in data["steps"]}
    assert data["success"] and data["first_event"] <= data["last_event"]
    assert "raw__incidents" in steps and "raw__mandatory_training" not in steps
    assert {"ingest", "dbt build", "checks", "spc", "publish", "report"} <= {
        s["stage"] for s in steps.values()}
    assert all(s["seconds"] >= 0 and s["status"] == "success" for s in steps.values())
    out = capsys.readouterr().out
    assert "Time by stage:" in out and "Slowest steps:" in out
    lines = out.splitlines()
    assert len(lines) < 100, out
    assert not [line for line in lines if " - DEBUG - " in line or "STEP_START" in line
                or " PASS " in line or "[RUN]" in line], out  # Dagster events, dbt's log
    assert any(line.startswith("✓ raw/incidents") and "1 files, " in line for line in lines)
    assert any(line.startswith("✓ dbt build") for line in lines)
    # this run: 1 file (the new day, 5 incidents); all time: every incidents file
    incidents = next(line for line in lines if line.startswith("incidents ")).split()
    assert incidents[1:6] == ["1", "0", "0", "5", "0"]
    assert int(incidents[6]) > 1
