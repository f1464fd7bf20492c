"""The rebase seed is checked before charting: a row naming an unknown measure, level or unit,
or an unreadable date, is an error naming its line (dagster_project/spc/rebase_dates.py), and the
SPC asset fails on it with that message instead of ignoring the row."""

import datetime as dt

import dagster as dg
import duckdb
import polars as pl
import pytest

from dagster_project.resources import WarehouseResource
from dagster_project.spc.assets import spc_tables
from dagster_project.spc.rebase_dates import RebaseDatesError, checked_rebase_dates

MEASURES = pl.Series(["Q05", "D02"])
UNITS = pl.DataFrame({"level": ["organisation", "csu", "csu"], "unit_code": ["RXX", "ELD", "A|B"]})


def seed(*rows):
    return pl.DataFrame([dict(zip(("measure_id", "level", "unit_code", "rebase_date"), r))
                         for r in rows], schema={c: pl.String for c in
                                                 ("measure_id", "level", "unit_code", "rebase_date")})


def test_good_rows_are_read_as_dates():
    rows = checked_rebase_dates(seed(("Q05", "csu", "ELD", "2025-04-01"),
                                     ("D02", "organisation", "RXX", "2024-01-01"),
                                     ("Q05", "csu", "A|B", "2030-01-01")), MEASURES, UNITS)
    assert rows.schema["rebase_date"] == pl.Date
    assert rows.rows() == [("Q05", "csu", "ELD", dt.date(2025, 4, 1)),
                           ("D02", "organisation", "RXX", dt.date(2024, 1, 1)),
                           ("Q05", "csu", "A|B", dt.date(2030, 1, 1))]
    assert checked_rebase_dates(seed(), MEASURES, UNITS).height == 0


@pytest.mark.parametrize("row, problem", [
    (("Q99", "csu", "ELD", "2025-04-01"), "line 3: measure_id 'Q99' is not in the measure catalogue"),
    (("Q05", "ward", "ELD", "2025-04-01"), "line 3: level 'ward' is not one of"),
    (("Q05", "csu", "ZZZ", "2025-04-01"), "line 3: unit_code 'ZZZ' is not a csu unit"),
    (("Q05", "organisation", "ELD", "2025-04-01"), "line 3: unit_code 'ELD' is not a organisation"),
    (("Q05", "csu", "ELD", "01/04/2025"), "line 3: rebase_date '01/04/2025' is not a date"),
    (("Q05", "csu", "ELD", None), "line 3: rebase_date None is not a date"),
])
def test_a_bad_row_is_an_error_naming_its_line(row, problem):
    with pytest.raises(RebaseDatesError) as err:
        checked_rebase_dates(seed(("Q05", "csu", "ELD", "2025-04-01"), row), MEASURES, UNITS)
    assert "dbt_project/seeds/spc_rebase_dates.csv " + problem in str(err.value)
    assert "line 2" not in str(err.value)  # the good row is not blamed


def _warehouse(path, rebase_rows, unit_code="ELD"):
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute("""create table marts.fct_scorecard_monthly as
            select 'Q05' measure_id, 'csu' level, ? unit_code,
                   cast('2024-01-01' as date) + to_months(i) period,
                   cast(i % 3 as double) numerator, 100.0 denominator,
                   (i % 3) / 100.0 value, cast(null as double) target,
                   false is_provisional, cast(null as varchar) provisional_reason
            from range(14) t(i)""", [unit_code])
        con.execute("""create table marts.dim_measure as select 'Q05' measure_id,
            'decrease' direction, 'u' chart_type, 'xmr' organisation_chart_type,
            cast(null as varchar) event_chart_type, 1000.0 multiplier""")
        con.execute("""create table marts.fct_rare_event_intervals (measure_id varchar,
            level varchar, unit_code varchar, event_number bigint, event_date date,
            days_since_previous_event bigint)""")
        con.execute("create table marts.spc_rebase_dates (measure_id varchar, level varchar, "
                    "unit_code varchar, rebase_date varchar, reason varchar)")
        con.executemany("insert into marts.spc_rebase_dates values (?, ?, ?, ?, 'test')",
                        rebase_rows)


def _materialize(path):
    return dg.materialize([spc_tables], resources={"warehouse": WarehouseResource(path=str(path))},
                          raise_on_error=False)


def test_spc_asset_applies_a_good_row_and_fails_naming_a_bad_one(tmp_path):
    good = tmp_path / "good.duckdb"
    _warehouse(good, [("Q05", "csu", "ELD", "2024-07-01")])
    assert _materialize(good).success
    with duckdb.connect(str(good), read_only=True) as con:
        groups = con.execute("select rebase_group, count(*) from spc.spc_points "
                             "group by all order by 1").fetchall()
    assert groups == [(0, 6), (1, 8)]  # the u chart below trust level is split at July

    bad = tmp_path / "bad.duckdb"
    _warehouse(bad, [("Q05", "csu", "ELD", "2024-07-01"), ("Q05", "csu", "NOPE", "2024-07-01")])
    result = _materialize(bad)
    assert not result.success
    failures = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    message = failures[0].step_failure_data.error.message
    assert "spc_rebase_dates.csv line 3: unit_code 'NOPE' is not a csu unit" in message
    with duckdb.connect(str(bad), read_only=True) as con:
        assert not con.execute("select count(*) from information_schema.tables "
                               "where table_schema = 'spc' and table_name = 'spc_points'"
                               ).fetchone()[0]


def test_a_unit_code_containing_the_key_separator_reaches_the_spc_tables_intact(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    _warehouse(warehouse, [("Q05", "csu", "E|LD", "2024-07-01")], unit_code="E|LD")
    assert _materialize(warehouse).success
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for table in ("spc_points", "spc_summary"):
            units = con.execute(f"select distinct level, unit_code from spc.{table}").fetchall()
            assert units == [("csu", "E|LD")], table
        assert con.execute("select max(rebase_group) from spc.spc_points").fetchone()[0] == 1
