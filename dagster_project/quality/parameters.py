"""Run-time suite parameters (`meta.parameters`): value sets and scalars from SQL, the check
date minus N days, and the previous load's row count."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..settings import get_settings
from .relations import relation_columns, relation_exists
from .suite_file import ALL_ROWS, LATEST_DELIVERY, asset_key_str


def as_of_date() -> dt.date:
    """The day checks count back from: QUALITY_AS_OF_DATE, else today."""
    return get_settings().quality_as_of_date or dt.date.today()


def previous_row_count(con, suite: dict, run_id: str | None) -> int | None:
    """Rows of the previous delivery in the table itself (a `latest_delivery` suite), else the
    row count this suite observed in the latest earlier run recorded in quality.check_results."""
    meta = suite["meta"]
    table = meta["table"]
    if meta.get("batch", ALL_ROWS) == LATEST_DELIVERY and "_extract_date" in relation_columns(
            con, table):
        rows = con.execute(f"""
            with files as (
                select _extract_date, _file_name, count(*) as n
                from {table} group by _extract_date, _file_name),
            deliveries as (
                select *, row_number() over (partition by _extract_date
                                             order by _file_name desc) as file_rank
                from files)
            select n from deliveries where file_rank = 1
            order by _extract_date desc limit 1 offset 1""").fetchall()
        return int(rows[0][0]) if rows else None
    if not relation_exists(con, "quality.check_results"):
        return None
    rows = con.execute("""
        select observed_value from quality.check_results
        where asset_key = ? and check_source = 'gx' and check_name like 'table_row_count%'
          and run_id is distinct from ? and observed_value is not null
        order by checked_at desc limit 1""", [asset_key_str(suite), run_id]).fetchall()
    try:
        return int(float(rows[0][0])) if rows else None
    except ValueError:
        return None


def compute_parameter(con, suite: dict, spec: dict, run_id: str | None) -> Any:
    kind = spec.get("kind")
    if kind == "values":
        return [r[0] for r in con.execute(spec["sql"]).fetchall() if r[0] is not None]
    if kind == "scalar":
        rows = con.execute(spec["sql"]).fetchall()
        return rows[0][0] if rows else None
    if kind == "as_of_minus_days":
        day = as_of_date() - dt.timedelta(days=int(spec["days"]))
        fmt = spec.get("format", "timestamp")
        if fmt == "timestamp":
            import pandas as pd

            return pd.Timestamp(day)
        if fmt == "year":
            return day.year
        raise ValueError(f"unknown format {fmt!r} (timestamp or year)")
    if kind == "previous_row_count":
        previous = previous_row_count(con, suite, run_id)
        if previous is None:
            return spec.get("default")
        return int(round(previous * float(spec.get("factor", 1.0))))
    raise ValueError(f"unknown parameter kind {kind!r}")


def compute_parameters(con, suite: dict, run_id: str | None) -> tuple[dict, dict]:
    """(values, errors) of every declared parameter; a parameter that cannot be computed (a
    missing table, say) is an error reported on the expectations that use it."""
    values, errors = {}, {}
    for name, spec in suite["meta"].get("parameters", {}).items():
        try:
            values[name] = compute_parameter(con, suite, spec, run_id)
        except Exception as exc:  # noqa: BLE001 - reported on the expectations using it
            errors[name] = f"parameter {name}: {type(exc).__name__}: {exc}"
    return values, errors
