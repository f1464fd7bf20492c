"""Hand-made mart tables for tests that need a scorecard without running dbt."""

from __future__ import annotations

# marts.fct_scorecard_monthly's columns, in order, as the tests' rows give them
SCORECARD_MONTHLY_COLUMNS = (
    "measure_id varchar, level varchar, unit_code varchar, period date, numerator double, "
    "denominator double, value double, target double, direction varchar, chart_type varchar, "
    "domain varchar, unit varchar, null_reason varchar")


def write_scorecard_monthly(con, rows: list[tuple]) -> None:
    """(Re)create marts.fct_scorecard_monthly holding `rows`."""
    con.execute(f"create or replace table marts.fct_scorecard_monthly "
                f"({SCORECARD_MONTHLY_COLUMNS})")
    con.executemany("insert into marts.fct_scorecard_monthly values "
                    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
