"""Runs one Great Expectations suite (a JSON file in `expectations/`) against a DuckDB table.

The pieces, one module each: suite_file.py (reading a suite, names, severities), context.py (the
GX context and one validation of a frame), batches.py (the rows a batch is, fetched as a frame of
the columns read), parameters.py (run-time parameters), chunking.py (a big batch in chunks),
outcomes.py (the results). This module puts them together.

A suite file is a plain GX suite (`name`, `expectations`, `meta`) that an analyst can read and
edit. This runner reads these keys of the suite's `meta`:

- `table`: the DuckDB relation to check (`raw.incidents`, `marts.fct_scorecard_monthly`).
- `asset_key`: the Dagster asset the suite is a check on (`["raw", "incidents"]`).
- `severity`: the default severity (`ERROR` blocks publication, `WARN` is recorded and shown);
  an expectation overrides it with its own `meta.severity`.
- `batch`: `all_rows` (default) or `latest_delivery` (raw tables keep every delivery: only the
  newest delivery, the rows of the newest `_extract_date` from its winning file, is checked, so
  keys are unique and counts compare delivery with delivery).
- `batches`: named extra batches, each a SQL query over `{table}` (the table) or `{batch}` (the
  main batch as a subquery). An expectation with `meta.batch: <name>` is validated on that
  query's rows instead: this is how derived checks stay in JSON (monthly harm shares, FFT totals,
  cross-field rules) without any Python.
- `parameters`: values filled in at run time and referenced from an expectation's kwargs as
  `{"$PARAMETER": "<name>"}` (GX's own suite-parameter mechanism). Kinds:
    * `{"kind": "values", "sql": "select csu_code from marts.dim_csu"}` -> a list (value sets
      such as the CSUs in dim_csu);
    * `{"kind": "scalar", "sql": "..."}` -> one value;
    * `{"kind": "as_of_minus_days", "days": 62, "format": "timestamp"|"year"}` -> the check
      date (today, or QUALITY_AS_OF_DATE=YYYY-MM-DD) minus `days`, as a timestamp (compare with
      a date column; a YYYY-MM or YYYY-Qn text column is turned into its first day by a batch)
      or a year (freshness);
    * `{"kind": "previous_row_count", "factor": 0.5, "default": 0}` -> the previous load's row
      count times `factor`, rounded (row counts within a band of the previous load). For a
      `latest_delivery` suite the previous load is the previous delivery in the table itself;
      otherwise it is the row count this suite observed in the latest earlier run recorded in
      `quality.check_results`. Without a previous load it is `default` (null = no bound).
  A parameter that cannot be computed (a missing table, say) fails the expectations that use it,
  with the reason, rather than the whole suite.

Expectation `meta` keys: `severity`, `name` (the check name in history; defaults to
`<type>:<column>`), `batch`, `notes` (why the check exists, for the analyst).
"""

from __future__ import annotations

import copy
import time
from pathlib import Path
from types import SimpleNamespace

import duckdb

from .batches import main_batch_sql
from .chunking import validate_batch
from .outcomes import ExpectationOutcome, SuiteResult, failed_outcome, gx_outcome
from .partitions import (
    PartitionPlan,
    batch_counts,
    changed_rows_sql,
    hold_carried,
    over_whole_batch,
    release_carried,
    split_by_partition,
)
from .parameters import as_of_date, compute_parameters
from .relations import relation_exists
from .suite_file import (
    SEVERITIES,
    asset_key_str,
    columns_used,
    expectation_names,
    load_suite,
    parameters_used,
    severities,
    suite_has_blocking,
)

__all__ = ["SEVERITIES", "ExpectationOutcome", "SuiteResult", "as_of_date", "expectation_names",
           "load_suite", "run_suite", "suite_has_blocking"]


def run_suite(con: duckdb.DuckDBPyConnection, suite: dict | str | Path, *,
              run_id: str | None = None, plan: PartitionPlan | None = None) -> SuiteResult:
    """Validate one suite against the warehouse and return every expectation's outcome.

    With a `plan` that carries partitions (partitions.py), the expectations split by partition
    see only the rows outside the carried partitions; every other expectation sees the whole
    table."""
    started = time.monotonic()
    if not isinstance(suite, dict):
        suite = load_suite(suite)
    meta = suite["meta"]
    table = meta["table"]
    expectations = suite.get("expectations", [])
    names = expectation_names(suite)
    severity = severities(suite)
    result = SuiteResult(suite_name=suite["name"], asset_key=asset_key_str(suite), table=table,
                         rows_checked=None, outcomes=[])

    if not relation_exists(con, table):
        result.outcomes = [failed_outcome("table_exists", {"type": "table_exists"}, "ERROR",
                                          f"table {table} does not exist")]
        result.seconds = time.monotonic() - started
        return result

    parameters, parameter_errors = compute_parameters(con, suite, run_id)
    main_sql = main_batch_sql(con, suite)
    splitting = plan is not None and bool(plan.carried)
    groups: dict[tuple[str | None, bool], list[int]] = {}
    outcomes: dict[int, ExpectationOutcome] = {}

    def fail(indexes: list[int], reason: str) -> None:
        for i in indexes:
            outcomes[i] = failed_outcome(names[i], expectations[i], severity[i], reason)

    for i, exp in enumerate(expectations):
        missing = [p for p in parameters_used(exp.get("kwargs", {})) if p not in parameters]
        if missing:
            fail([i], "; ".join(parameter_errors.get(p, f"parameter {p} is not declared")
                                for p in missing))
            continue
        split = splitting and split_by_partition(suite, exp)
        groups.setdefault((exp.get("meta", {}).get("batch"), split), []).append(i)

    if splitting:
        hold_carried(con, list(plan.carried))
    try:
        for (batch_name, split), indexes in groups.items():
            sql = _batch_sql(meta, batch_name, main_sql)
            if sql is None:
                fail(indexes, f"batch {batch_name!r} is not declared in meta.batches")
                continue
            runtime = []
            for i in indexes:
                exp = copy.deepcopy(expectations[i])
                exp["meta"] = {**exp.get("meta", {}), "_index": i}
                runtime.append(exp)
            try:
                if split:
                    changed = _batch_sql(meta, batch_name, changed_rows_sql(main_sql, plan.column))
                    rows, gx_results = _validate_split(con, sql, changed, runtime, parameters)
                else:
                    rows, gx_results = validate_batch(con, sql, runtime, parameters)
            except duckdb.Error as exc:
                fail(indexes, f"batch {batch_name or 'main'}: {exc}")
                continue
            except Exception as exc:  # noqa: BLE001 - a malformed expectation fails its group only
                fail(indexes, f"GX could not run this batch: {type(exc).__name__}: "
                              f"{str(exc).splitlines()[0] if str(exc) else ''}")
                continue
            if batch_name is None:
                result.rows_checked = rows
            for r in gx_results:
                i = r.expectation_config.meta["_index"]
                outcomes[i] = gx_outcome(names[i], expectations[i], severity[i], r)
    finally:
        if splitting:
            release_carried(con)

    result.outcomes = [outcomes[i] for i in sorted(outcomes)]
    result.seconds = time.monotonic() - started
    return result


def _batch_sql(meta: dict, batch_name: str | None, rows_sql: str) -> str | None:
    """A batch's SQL over `rows_sql` (the main batch's rows, or some of them); None if the
    batch is not declared."""
    if batch_name is None:
        return rows_sql
    template = meta.get("batches", {}).get(batch_name)
    if template is None:
        return None
    return template.replace("{table}", meta["table"]).replace("{batch}", f"({rows_sql})")


def _validate_split(con, whole_sql: str, changed_sql: str, runtime: list[dict],
                    parameters: dict) -> tuple[int, list]:
    """(rows of the whole batch, GX results) of expectations split by partition: GX sees the
    batch's rows outside the carried partitions; rows and nulls are the whole batch's."""
    rows, nulls = batch_counts(con, whole_sql, sorted(columns_used(runtime)))
    _, gx_results = validate_batch(con, changed_sql, runtime, parameters)
    return rows, [SimpleNamespace(
        result=over_whole_batch(r.expectation_config.type, r.result, rows,
                                nulls[r.expectation_config.kwargs["column"]]),
        success=r.success, exception_info=r.exception_info,
        expectation_config=r.expectation_config) for r in gx_results]
