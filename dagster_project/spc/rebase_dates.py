"""The rebase seed (dbt_project/seeds/spc_rebase_dates.csv), checked before any chart is drawn.

A row naming a measure, level or unit the scorecard does not have, or a date that cannot be
read, would otherwise be ignored silently (the chart is simply not rebased). Each such row is an
error naming its line in the seed file, so the improvement team can fix exactly that row. A
valid date that is not a period of the chart changes nothing, as the engine's `rebase` does.
"""

from __future__ import annotations

import polars as pl

SEED_FILE = "dbt_project/seeds/spc_rebase_dates.csv"
LEVELS = ("organisation", "csu")
DATE_FORMAT = "%Y-%m-%d"
FIRST_DATA_LINE = 2  # line 1 is the header


class RebaseDatesError(ValueError):
    """One or more rows of the rebase seed cannot be applied."""


def _text(column: str) -> pl.Expr:
    return pl.col(column).cast(pl.String).str.strip_chars()


def _problems(row: dict, measures: set, units: set) -> list[str]:
    out = []
    if row["measure_id"] not in measures:
        out.append(f"measure_id {row['measure_id']!r} is not in the measure catalogue")
    if row["level"] not in LEVELS:
        out.append(f"level {row['level']!r} is not one of {', '.join(LEVELS)}")
    elif (row["level"], row["unit_code"]) not in units:
        out.append(f"unit_code {row['unit_code']!r} is not a {row['level']} unit of the scorecard")
    if row["parsed"] is None:
        out.append(f"rebase_date {row['rebase_date']!r} is not a date (YYYY-MM-DD)")
    return out


def checked_rebase_dates(rebase_dates: pl.DataFrame, measure_ids: pl.Series,
                         units: pl.DataFrame) -> pl.DataFrame:
    """The seed's rows (in file order) with `rebase_date` as a Date, or RebaseDatesError.

    `measure_ids`: the catalogue's measure ids; `units`: the scorecard's (level, unit_code)."""
    rows = rebase_dates.select(
        _text("measure_id").alias("measure_id"), _text("level").alias("level"),
        pl.col("unit_code").cast(pl.String).alias("unit_code"),  # a code is taken as written
        _text("rebase_date").alias("rebase_date"),
    ).with_columns(
        parsed=pl.col("rebase_date").str.strptime(pl.Date, DATE_FORMAT, strict=False),
        line=pl.int_range(pl.len(), dtype=pl.Int64) + FIRST_DATA_LINE,
    )
    measures = set(measure_ids.to_list())
    known_units = set(units.select("level", "unit_code").iter_rows())
    errors = [
        f"{SEED_FILE} line {row['line']}: {problem}"
        for row in rows.iter_rows(named=True)
        for problem in _problems(row, measures, known_units)
    ]
    if errors:
        raise RebaseDatesError(
            f"{len(errors)} problem(s) in the SPC rebase dates; fix or remove the row(s):\n"
            + "\n".join(errors))
    return rows.select("measure_id", "level", "unit_code", rebase_date=pl.col("parsed"))
