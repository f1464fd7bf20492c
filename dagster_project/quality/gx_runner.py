"""Runs one Great Expectations suite (a JSON file in `expectations/`) against a DuckDB table.

GX Core 1.x is called directly: an ephemeral context, a pandas datasource and a whole-dataframe
batch. (Not dagster-ge, which only supports GX before 1.0; not GX's SQL datasource, whose table
reflection fails with duckdb 2.x.) Progress bars and analytics are off.

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
import datetime as dt
import json
import logging
import math
import os
import threading
import time
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

SEVERITIES = ("ERROR", "WARN")
PARTIAL_UNEXPECTED_COUNT = 10
LATEST_DELIVERY = "latest_delivery"
ALL_ROWS = "all_rows"


# --------------------------------------------------------------------------------------- results

@dataclass
class ExpectationOutcome:
    name: str
    expectation_type: str
    column: str | None
    severity: str
    success: bool
    observed_value: str | None = None
    unexpected_count: int | None = None
    unexpected_percent: float | None = None
    element_count: int | None = None
    partial_unexpected: list = field(default_factory=list)
    error: str | None = None
    notes: str | None = None

    @property
    def blocking_failure(self) -> bool:
        return not self.success and self.severity == "ERROR"


@dataclass
class SuiteResult:
    suite_name: str
    asset_key: str  # "raw/incidents"
    table: str
    rows_checked: int | None
    outcomes: list[ExpectationOutcome]
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return all(o.success for o in self.outcomes)

    @property
    def failed(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success]

    @property
    def blocking_failed(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if o.blocking_failure]

    @property
    def severity(self) -> str:
        """ERROR if any ERROR expectation failed, else WARN (meaningful only when not passed)."""
        return "ERROR" if self.blocking_failed else "WARN"

    def to_dict(self) -> dict:
        return asdict(self)


# ------------------------------------------------------------------------------------ the suite

def load_suite(path: str | Path) -> dict:
    suite = json.loads(Path(path).read_text(encoding="utf-8"))
    meta = suite.setdefault("meta", {})
    if "table" not in meta or "asset_key" not in meta:
        raise ValueError(f"{path}: suite meta needs `table` and `asset_key`")
    default = meta.get("severity", "ERROR")
    for exp in suite.get("expectations", []):
        sev = exp.get("meta", {}).get("severity", default)
        if sev not in SEVERITIES:
            raise ValueError(f"{path}: severity {sev!r} is not one of {SEVERITIES}")
    return suite


def suite_has_blocking(suite: dict) -> bool:
    default = suite.get("meta", {}).get("severity", "ERROR")
    return any(e.get("meta", {}).get("severity", default) == "ERROR"
               for e in suite.get("expectations", []))


def asset_key_str(suite: dict) -> str:
    return "/".join(suite["meta"]["asset_key"])


def expectation_names(suite: dict) -> list[str]:
    """The check name of every expectation (its `meta.name`, else `<type>:<column(s)>`),
    made unique within the suite."""
    names, seen = [], {}
    for exp in suite.get("expectations", []):
        name = exp.get("meta", {}).get("name") or _default_name(exp)
        seen[name] = seen.get(name, 0) + 1
        names.append(name if seen[name] == 1 else f"{name}#{seen[name]}")
    return names


def _default_name(exp: dict) -> str:
    kw = exp.get("kwargs", {})
    target = kw.get("column") or "+".join(kw.get("column_list") or []) or (
        f"{kw['column_A']}>{kw['column_B']}" if "column_A" in kw else "")
    short = exp["type"].removeprefix("expect_")
    return f"{short}:{target}" if target else short


# ------------------------------------------------------------------------------------------- GX

_GX_LOCK = threading.Lock()


def gx_context():
    """One quiet, ephemeral GX context per process (no analytics, no progress bars), built once
    even if two threads ask at the same time."""
    with _GX_LOCK:
        return _build_gx_context()


@cache
def _build_gx_context():
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("GE_USAGE_STATS", "False")
    for name in ("great_expectations", "great_expectations.core", "great_expectations.validator"):
        logging.getLogger(name).setLevel(logging.ERROR)
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
    )
    context = gx.get_context(mode="ephemeral", project_config=config)
    batch_def = (context.data_sources.add_pandas("duckdb_frames")
                 .add_dataframe_asset("frame")
                 .add_batch_definition_whole_dataframe("whole_frame"))
    return gx, batch_def


def _validate(df, expectations: list[dict], parameters: dict) -> list:
    gx, batch_def = gx_context()
    suite = gx.ExpectationSuite(name="runtime", expectations=copy.deepcopy(expectations))
    batch = batch_def.get_batch(batch_parameters={"dataframe": df})
    result = batch.validate(
        suite,
        result_format={"result_format": "SUMMARY",
                       "partial_unexpected_count": PARTIAL_UNEXPECTED_COUNT},
        expectation_parameters=parameters,
    )
    return result.results


# ---------------------------------------------------------------------------------------- data

# Every query is fetched in full (fetchall): duckdb 2.x refuses new relation work on a connection
# whose previous result was only partly fetched (fetchone).
def _exists(con: duckdb.DuckDBPyConnection, relation: str) -> bool:
    schema, _, name = relation.rpartition(".")
    return con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema or "main", name]).fetchall()[0][0] > 0


def _columns(con, relation: str) -> list[str]:
    return [r[0] for r in con.execute(f"describe select * from {relation}").fetchall()]


def main_batch_sql(con, suite: dict) -> str:
    meta = suite["meta"]
    table = meta["table"]
    if meta.get("batch", ALL_ROWS) == LATEST_DELIVERY and "_extract_date" in _columns(con, table):
        # the newest extract date, and within it the file that wins in sort order (a correction)
        return f"""select * from {table} where (_extract_date, _file_name) = (
            select (_extract_date, _file_name) from {table}
            order by _extract_date desc, _file_name desc limit 1)"""
    return f"select * from {table}"


def columns_used(expectations: list[dict]) -> set[str]:
    """The columns the expectations read (`column`, `column_A`/`column_B`, `column_list`)."""
    used: set[str] = set()
    for exp in expectations:
        kwargs = exp.get("kwargs", {})
        used.update(kwargs[k] for k in ("column", "column_A", "column_B") if kwargs.get(k))
        used.update(kwargs.get("column_list") or ())
    return used


def _to_pandas(arrow):
    """DuckDB's Arrow result as pandas with text kept in Arrow (pandas' own `str` dtype): about
    a tenth of the time and a quarter of the memory of a frame of Python strings (`.df()`)."""
    import pandas as pd
    import pyarrow as pa

    table = arrow.read_all() if hasattr(arrow, "read_all") else arrow
    text = pd.StringDtype("pyarrow", na_value=float("nan"))

    def mapper(arrow_type):
        is_text = (pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type)
                   or pa.types.is_string_view(arrow_type))
        return text if is_text else None

    return table.to_pandas(types_mapper=mapper, date_as_object=False)


def _fetch_df(con, sql: str, columns: set[str] | None = None,
              all_columns: list[str] | None = None):
    """Rows as pandas, with DECIMAL/HUGEINT widened to DOUBLE so GX compares plain numbers.

    With `columns`, only those columns' values are fetched; every other column is there by
    name but all-null and free (an Arrow null array), so a column-set expectation still sees
    the table's columns. A wide raw table of millions of rows is then a few columns of pandas,
    not all of them (lineage hashes and file names included). `all_columns`: the batch's
    columns when `sql` reads a narrower copy of it."""
    import pandas as pd
    import pyarrow as pa

    rel = con.sql(sql)
    casts, skipped = [], []
    for name, dtype in zip(rel.columns, rel.types, strict=True):
        t = str(dtype).upper()
        quoted = '"' + name.replace('"', '""') + '"'
        if columns is not None and name not in columns:
            skipped.append(name)
        elif t.startswith("DECIMAL") or t in ("HUGEINT", "UHUGEINT"):
            casts.append(f"cast({quoted} as double) as {quoted}")
        else:
            casts.append(quoted)
    if not casts:  # only table-level expectations: the row count is all that is needed
        casts = ["NULL::BOOLEAN AS __rows__"]
    df = _to_pandas(con.sql(f"select {', '.join(casts)} from ({sql}) as q").arrow())
    skipped += [c for c in all_columns or () if c not in rel.columns]
    order = all_columns or rel.columns
    if skipped:
        nulls = pd.arrays.ArrowExtensionArray(pa.nulls(len(df)))
        df = df.assign(**{name: nulls for name in skipped})
        df = df[list(order)]
    return df


def as_of_date() -> dt.date:
    override = os.environ.get("QUALITY_AS_OF_DATE")
    return dt.date.fromisoformat(override) if override else dt.date.today()


def _previous_row_count(con, suite: dict, run_id: str | None) -> int | None:
    meta = suite["meta"]
    table = meta["table"]
    if meta.get("batch", ALL_ROWS) == LATEST_DELIVERY and "_extract_date" in _columns(con, table):
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
    if not _exists(con, "quality.check_results"):
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
        previous = _previous_row_count(con, suite, run_id)
        if previous is None:
            return spec.get("default")
        return int(round(previous * float(spec.get("factor", 1.0))))
    raise ValueError(f"unknown parameter kind {kind!r}")


def _parameters_used(obj: Any) -> set[str]:
    if isinstance(obj, dict):
        if set(obj) == {"$PARAMETER"}:
            return {obj["$PARAMETER"]}
        return set().union(*(_parameters_used(v) for v in obj.values())) if obj else set()
    if isinstance(obj, list):
        return set().union(*(_parameters_used(v) for v in obj)) if obj else set()
    return set()


# ------------------------------------------------------------------------------------- running

def _short(value: Any, limit: int = 300) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    text = value if isinstance(value, str) else json.dumps(_plain(value), default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _plain(value: Any) -> Any:
    """numpy/pandas scalars and tuples -> JSON-friendly Python values."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        try:
            value = value.item()
        except (ValueError, AttributeError):
            pass
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _exception_message(info: Any) -> str | None:
    if not info:
        return None
    if isinstance(info, dict):
        if info.get("raised_exception"):
            return info.get("exception_message") or "expectation raised an exception"
        for sub in info.values():
            msg = _exception_message(sub) if isinstance(sub, dict) else None
            if msg:
                return msg
        return None
    if getattr(info, "raised_exception", False):
        return getattr(info, "exception_message", None) or "expectation raised an exception"
    return None


def _outcome(name: str, exp: dict, severity: str, gx_result) -> ExpectationOutcome:
    res = gx_result.result or {}
    error = _exception_message(gx_result.exception_info)
    unexpected = res.get("unexpected_count")
    observed = res.get("observed_value")
    if observed is None and unexpected is not None:
        observed = (f"{unexpected} of {res.get('element_count')} unexpected"
                    f" ({res.get('unexpected_percent') or 0:.2f}% of non-null)")
    kw = exp.get("kwargs", {})
    return ExpectationOutcome(
        name=name,
        expectation_type=exp["type"],
        column=kw.get("column") or (",".join(kw["column_list"]) if kw.get("column_list") else None),
        severity=severity,
        success=bool(gx_result.success) and error is None,
        observed_value=_short(error and f"error: {error}" or observed),
        unexpected_count=None if unexpected is None else int(unexpected),
        unexpected_percent=res.get("unexpected_percent"),
        element_count=res.get("element_count"),
        partial_unexpected=_plain(res.get("partial_unexpected_counts")
                                  or res.get("partial_unexpected_list") or [])[:PARTIAL_UNEXPECTED_COUNT],
        error=error,
        notes=exp.get("meta", {}).get("notes"),
    )


def _failed(name: str, exp: dict, severity: str, reason: str) -> ExpectationOutcome:
    kw = exp.get("kwargs", {})
    return ExpectationOutcome(name=name, expectation_type=exp["type"], column=kw.get("column"),
                              severity=severity, success=False, observed_value=_short(reason),
                              error=reason, notes=exp.get("meta", {}).get("notes"))


def run_suite(con: duckdb.DuckDBPyConnection, suite: dict | str | Path, *,
              run_id: str | None = None) -> SuiteResult:
    """Validate one suite against the warehouse and return every expectation's outcome."""
    started = time.monotonic()
    if not isinstance(suite, dict):
        suite = load_suite(suite)
    meta = suite["meta"]
    default_severity = meta.get("severity", "ERROR")
    table = meta["table"]
    expectations = suite.get("expectations", [])
    names = expectation_names(suite)
    severities = [e.get("meta", {}).get("severity", default_severity) for e in expectations]
    result = SuiteResult(suite_name=suite["name"], asset_key=asset_key_str(suite), table=table,
                         rows_checked=None, outcomes=[])

    if not _exists(con, table):
        result.outcomes = [_failed("table_exists", {"type": "table_exists"}, "ERROR",
                                   f"table {table} does not exist")]
        result.seconds = time.monotonic() - started
        return result

    # run-time parameters; a failure is reported on the expectations that use it
    parameters, parameter_errors = {}, {}
    for pname, spec in meta.get("parameters", {}).items():
        try:
            parameters[pname] = compute_parameter(con, suite, spec, run_id)
        except Exception as exc:  # noqa: BLE001 - reported on the expectations using it
            parameter_errors[pname] = f"parameter {pname}: {type(exc).__name__}: {exc}"

    main_sql = main_batch_sql(con, suite)
    groups: dict[str | None, list[int]] = {}
    outcomes: dict[int, ExpectationOutcome] = {}
    for i, exp in enumerate(expectations):
        used = _parameters_used(exp.get("kwargs", {}))
        missing = [p for p in used if p not in parameters]
        if missing:
            reason = "; ".join(parameter_errors.get(p, f"parameter {p} is not declared")
                               for p in missing)
            outcomes[i] = _failed(names[i], exp, severities[i], reason)
            continue
        groups.setdefault(exp.get("meta", {}).get("batch"), []).append(i)

    for batch_name, indexes in groups.items():
        if batch_name is None:
            sql = main_sql
        else:
            template = meta.get("batches", {}).get(batch_name)
            if template is None:
                for i in indexes:
                    outcomes[i] = _failed(names[i], expectations[i], severities[i],
                                          f"batch {batch_name!r} is not declared in meta.batches")
                continue
            sql = template.replace("{table}", table).replace("{batch}", f"({main_sql})")
        runtime = []
        for i in indexes:
            exp = copy.deepcopy(expectations[i])
            exp["meta"] = {**exp.get("meta", {}), "_index": i}
            runtime.append(exp)
        try:
            rows, gx_results = _validate_batch(con, sql, runtime, parameters)
        except duckdb.Error as exc:
            for i in indexes:
                outcomes[i] = _failed(names[i], expectations[i], severities[i],
                                      f"batch {batch_name or 'main'}: {exc}")
            continue
        except Exception as exc:  # noqa: BLE001 - a malformed expectation fails its group only
            for i in indexes:
                outcomes[i] = _failed(names[i], expectations[i], severities[i],
                                      f"GX could not run this batch: {type(exc).__name__}: "
                                      f"{str(exc).splitlines()[0] if str(exc) else ''}")
            continue
        if batch_name is None:
            result.rows_checked = rows
        for r in gx_results:
            i = r.expectation_config.meta["_index"]
            outcomes[i] = _outcome(names[i], expectations[i], severities[i], r)

    result.outcomes = [outcomes[i] for i in sorted(outcomes)]
    result.seconds = time.monotonic() - started
    return result


# ------------------------------------------------------------------------------ large batches

# Expectations judged row by row: over a batch in chunks, their results add up.
ROW_WISE = frozenset({
    "expect_column_values_to_not_be_null", "expect_column_values_to_be_null",
    "expect_column_values_to_be_in_set", "expect_column_values_to_not_be_in_set",
    "expect_column_values_to_be_between", "expect_column_values_to_match_regex",
    "expect_column_values_to_not_match_regex", "expect_column_value_lengths_to_be_between",
    "expect_column_pair_values_a_to_be_greater_than_b", "expect_column_pair_values_to_be_equal",
})
CHUNK_TABLE = "_gx_batch"


def gx_chunk_rows() -> int:
    """Rows GX sees at once (GX_CHUNK_ROWS, default 1,000,000): a bigger batch is validated in
    chunks, so memory stays bounded whatever the table's size."""
    return max(1, int(os.environ.get("GX_CHUNK_ROWS") or 1_000_000))


def _validate_batch(con, sql: str, runtime: list[dict], parameters: dict) -> tuple[int, list]:
    """(rows, GX results) for one batch. Up to gx_chunk_rows() rows: one frame of the columns
    the expectations read. More: the batch is materialised in DuckDB once; the row-wise
    expectations run chunk by chunk and their results are added up; the others (row counts,
    maxima, uniqueness, the column set) see one frame of just the columns they read."""
    def params(exps: list[dict]) -> dict:
        used = set().union(*(_parameters_used(e.get("kwargs", {})) for e in exps))
        return {k: parameters[k] for k in used}

    rows = con.execute(f"select count(*) from ({sql}) as q").fetchall()[0][0]
    chunk = gx_chunk_rows()
    if rows <= chunk:
        return rows, _validate(_fetch_df(con, sql, columns_used(runtime)), runtime,
                               params(runtime))
    row_wise = [e for e in runtime if e["type"] in ROW_WISE]
    whole = [e for e in runtime if e["type"] not in ROW_WISE]
    results = []
    batch_columns = _columns(con, f"({sql})")
    kept = [c for c in batch_columns if c in columns_used(runtime)] or batch_columns[:1]
    con.execute(f"create or replace temp table {CHUNK_TABLE} as select "
                + ", ".join('"' + c.replace('"', '""') + '"' for c in kept)
                + f" from ({sql}) as q")
    try:
        if whole:
            df = _fetch_df(con, f"select * from {CHUNK_TABLE}", columns_used(whole),
                           batch_columns)
            results += _validate(df, whole, params(whole))
            del df
        if row_wise:
            by_index: dict[int, list] = {}
            for start in range(0, rows, chunk):
                df = _fetch_df(con, f"select * from {CHUNK_TABLE} "
                                    f"where rowid >= {start} and rowid < {start + chunk}",
                               columns_used(row_wise), batch_columns)
                for r in _validate(df, row_wise, params(row_wise)):
                    by_index.setdefault(r.expectation_config.meta["_index"], []).append(r)
                del df
            results += [merge_chunk_results(parts) for parts in by_index.values()]
    finally:
        con.execute(f"drop table if exists {CHUNK_TABLE}")
    return rows, results


def merge_chunk_results(parts: list):
    """One row-wise expectation's result over a whole batch from its results over chunks:
    counts add up, percentages are recomputed, samples are pooled; `mostly` is judged on the
    totals (a chunk may fall short of it while the batch does not)."""
    from types import SimpleNamespace

    errored = [p for p in parts if _exception_message(p.exception_info)]
    if errored:
        return errored[0]
    total = {k: sum((p.result or {}).get(k) or 0 for p in parts)
             for k in ("element_count", "unexpected_count", "missing_count")}
    nonmissing = total["element_count"] - total["missing_count"]
    merged = dict(parts[0].result or {})
    merged.update(total)
    merged["unexpected_percent"] = (100.0 * total["unexpected_count"] / nonmissing
                                    if nonmissing else None)
    samples: list = []
    counts: dict = {}
    for p in parts:
        res = p.result or {}
        samples += res.get("partial_unexpected_list") or []
        for item in res.get("partial_unexpected_counts") or []:
            key = json.dumps(_plain(item.get("value")), default=str)
            counts[key] = counts.get(key, 0) + int(item.get("count") or 0)
    merged["partial_unexpected_list"] = samples[:PARTIAL_UNEXPECTED_COUNT]
    if counts:
        top = sorted(counts.items(), key=lambda kv: -kv[1])[:PARTIAL_UNEXPECTED_COUNT]
        merged["partial_unexpected_counts"] = [{"value": json.loads(k), "count": n}
                                               for k, n in top]
    config = parts[0].expectation_config
    mostly = (config.kwargs or {}).get("mostly") if hasattr(config, "kwargs") else None
    if mostly is not None and nonmissing:
        success = (nonmissing - total["unexpected_count"]) / nonmissing >= float(mostly)
    else:
        success = all(bool(p.success) for p in parts)
    return SimpleNamespace(result=merged, success=success, exception_info=None,
                           expectation_config=config)
