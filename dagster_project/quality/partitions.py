"""Mart suites that validate only the partitions (months) a run rebuilt.

A big mart rebuilt by lookback months (`fct_incidents`, `fct_scorecard_breakdowns`,
`fct_training_compliance`) declares its partition column in its suite:

    "meta": {"partition": {"column": "incident_month",
                           "row_filter_batches": ["csu_rows"]}}

Each partition gets a fingerprint: a hash of everything the suite's verdict depends on except
the table's rows (the suite file, the table's columns, every other relation it reads, the check
date where it matters: fingerprint.suite_fingerprint(table_rows=False)) together with the
partition's own rows (count and sum of whole-row hashes, one grouped scan in DuckDB). It is
stored in `quality.partition_validations` with whether the partition was *clean*: every
expectation split by partition (below) found no failing row in it.

A partition is carried when its fingerprint equals the one of its latest validation and that
validation was clean. Every other partition - a changed one, whatever its month, a new one, one
never validated clean, the rows whose partition value is null - is validated. So a carried
partition's rows and everything they are judged against are the ones judged clean before, and
its split expectations would find nothing again (test_partitions.py proves the verdicts equal a
full validation's).

Which expectations are split by partition (`split_by_partition`): those judged row by row, one
column at a time, where the table's verdict is the sum of the partitions' verdicts. They run on
the rows outside the carried partitions (the batch filtered in DuckDB); the rows and nulls they
report are counted in DuckDB over the whole batch, and the carried partitions add no failing row
(they were clean). Every other expectation runs on the whole table as before: row counts and
their band, uniqueness (a key may repeat across months), maxima (freshness), the column set,
column pairs, anything with `mostly` (a share of the whole table), and anything on a batch that
aggregates or is not declared a row filter (`severe_harm_share`, a monthly total).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from .fingerprint import digest, suite_fingerprint
from .history import ensure_history, insert_rows, utcnow
from .relations import quote, relation_exists
from .suite_file import parameters_used

# Single-column expectations judged row by row (each row alone, nulls aside).
SPLIT_TYPES = frozenset({
    "expect_column_values_to_not_be_null", "expect_column_values_to_be_null",
    "expect_column_values_to_be_in_set", "expect_column_values_to_not_be_in_set",
    "expect_column_values_to_be_between", "expect_column_values_to_match_regex",
    "expect_column_values_to_not_match_regex", "expect_column_value_lengths_to_be_between",
})
# GX counts a null as unexpected for these, as missing (set aside) for the others.
NULL_TYPES = frozenset({"expect_column_values_to_not_be_null", "expect_column_values_to_be_null"})
CARRIED_TABLE = "_gx_carried_partitions"
PARTITION_COLUMNS = ("suite_name", "run_id", "partition_value", "fingerprint", "clean",
                     "carried_from_run", "checked_at")


def partition_spec(suite: dict) -> dict | None:
    return suite.get("meta", {}).get("partition")


def split_by_partition(suite: dict, exp: dict) -> bool:
    """Is the expectation's verdict over the table the sum of its verdicts over partitions?"""
    spec = partition_spec(suite)
    if not spec or exp.get("type") not in SPLIT_TYPES:
        return False
    if (exp.get("kwargs") or {}).get("mostly") is not None:
        return False  # a share of the whole table
    kinds = {suite["meta"].get("parameters", {}).get(p, {}).get("kind")
             for p in parameters_used(exp.get("kwargs", {}))}
    if "previous_row_count" in kinds:
        return False  # moves while no row does, and no fingerprint holds it
    batch = exp.get("meta", {}).get("batch")
    if batch is None:
        return True
    template = suite["meta"].get("batches", {}).get(batch, "")
    # a row filter over {batch}: a row is in it, and as it is, by that row (and other relations)
    # alone; one that reads {table} could see other partitions' rows
    return batch in spec.get("row_filter_batches", ()) and "{table}" not in template


def changed_rows_sql(main_sql: str, column: str) -> str:
    """The main batch without the carried partitions' rows (null partitions are never carried)."""
    return (f"select * from ({main_sql}) as m where not coalesce("
            f"cast(m.{quote(column)} as varchar) in (select partition_value from {CARRIED_TABLE}),"
            " false)")


def hold_carried(con, carried: list[str]) -> None:
    con.execute(f"create or replace temp table {CARRIED_TABLE} (partition_value varchar)")
    if carried:
        insert_rows(con, CARRIED_TABLE, ("partition_value",), [(v,) for v in carried])


def release_carried(con) -> None:
    con.execute(f"drop table if exists {CARRIED_TABLE}")


def batch_counts(con, sql: str, columns: list[str]) -> tuple[int, dict[str, int]]:
    """(rows, nulls per column) of a whole batch, counted in DuckDB."""
    nulls = [f"count(*) filter (where {quote(c)} is null)" for c in columns]
    row = con.execute(f"select count(*){''.join(', ' + n for n in nulls)} from ({sql}) as q"
                      ).fetchall()[0]
    return row[0], dict(zip(columns, row[1:], strict=True))


def over_whole_batch(exp_type: str, result: dict | None, rows: int, nulls: int) -> dict:
    """A split expectation's GX result on the validated rows, completed to the whole batch: its
    failing rows are all there (the carried partitions were clean); rows and nulls are the
    batch's, counted in DuckDB, and the percentages are GX's own formulas over them."""
    merged = dict(result or {})
    unexpected = int(merged.get("unexpected_count") or 0)
    merged.update(element_count=rows, unexpected_count=unexpected)
    if exp_type in NULL_TYPES:
        merged["unexpected_percent"] = 100.0 * unexpected / rows if rows else None
    else:
        nonmissing = rows - nulls
        merged.update(
            missing_count=nulls,
            missing_percent=100.0 * nulls / rows if rows else None,
            unexpected_percent=100.0 * unexpected / nonmissing if nonmissing else None,
            unexpected_percent_total=100.0 * unexpected / rows if rows else None,
            unexpected_percent_nonmissing=100.0 * unexpected / nonmissing if nonmissing else None)
    merged.setdefault("partial_unexpected_list", [])
    return merged


@dataclass(frozen=True)
class PartitionPlan:
    column: str
    fingerprints: dict[str | None, str]  # partition value -> fingerprint now
    carried: dict[str, str]  # partition value -> the run that validated it clean

    @property
    def validated(self) -> list[str | None]:
        return sorted((v for v in self.fingerprints if v not in self.carried),
                      key=lambda v: (v is None, v or ""))


def partition_fingerprints(con, suite: dict) -> dict[str | None, str] | None:
    spec = partition_spec(suite)
    context = suite_fingerprint(con, suite, table_rows=False)
    if not spec or context is None:
        return None
    column, table = spec["column"], suite["meta"]["table"]
    try:
        rows = con.execute(f"""
            select cast(r.{quote(column)} as varchar), count(*), sum(hash(r))
            from (select * from {table}) as r group by 1""").fetchall()
    except duckdb.Error:
        return None
    return {value: digest([context, value, n, str(h)]) for value, n, h in rows}


def last_partition_validations(con, suite_name: str) -> dict[str, tuple[str, bool, str]]:
    """partition value -> (fingerprint, clean, validated in) of its latest validation."""
    if not relation_exists(con, "quality.partition_validations"):
        return {}
    rows = con.execute("""
        select partition_value, fingerprint, clean, coalesce(carried_from_run, run_id)
        from quality.partition_validations
        where suite_name = ? and partition_value is not null
        qualify row_number() over (partition by partition_value
                                   order by checked_at desc, run_id desc) = 1""",
                       [suite_name]).fetchall()
    return {value: (fp, clean, run) for value, fp, clean, run in rows}


def plan_partitions(con, suite: dict) -> PartitionPlan | None:
    """Which partitions are carried and which validated; None for a suite without partitions
    (or whose partitions cannot be fingerprinted: then it is validated whole)."""
    fingerprints = partition_fingerprints(con, suite)
    if fingerprints is None:
        return None
    previous = last_partition_validations(con, suite["name"])
    carried = {value: previous[value][2] for value, fp in fingerprints.items()
               if value is not None and value in previous
               and previous[value][0] == fp and previous[value][1]}
    return PartitionPlan(partition_spec(suite)["column"], fingerprints, carried)


def record_partitions(con, suite_name: str, plan: PartitionPlan, run_id: str,
                      clean: bool) -> None:
    """This run's record of every partition: the validated ones (clean if no split expectation
    found a failing row), the carried ones with the run they were validated in."""
    ensure_history(con)
    at = utcnow()
    insert_rows(con, "quality.partition_validations", PARTITION_COLUMNS, [
        (suite_name, run_id, value, fp, clean if value not in plan.carried else True,
         plan.carried.get(value), at) for value, fp in plan.fingerprints.items()])
