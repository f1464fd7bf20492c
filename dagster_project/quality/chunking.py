"""One batch validated by GX, in chunks when it is bigger than GX_CHUNK_ROWS, so memory stays
bounded whatever the table's size."""

from __future__ import annotations

import json
from types import SimpleNamespace

from ..settings import get_settings
from .batches import fetch_frame, reads_column_names
from .context import PARTIAL_UNEXPECTED_COUNT, validate_frame
from .outcomes import exception_message, plain
from .partitions import batch_counts, over_whole_batch
from .relations import quote, relation_columns
from .suite_file import columns_used, parameters_used

# Expectations judged row by row: over a batch in chunks, their results add up.
ROW_WISE = frozenset({
    "expect_column_values_to_not_be_null", "expect_column_values_to_be_null",
    "expect_column_values_to_be_in_set", "expect_column_values_to_not_be_in_set",
    "expect_column_values_to_be_between", "expect_column_values_to_match_regex",
    "expect_column_values_to_not_match_regex", "expect_column_value_lengths_to_be_between",
    "expect_column_pair_values_a_to_be_greater_than_b", "expect_column_pair_values_to_be_equal",
})
CHUNK_TABLE = "_gx_batch"
# Over a big batch, a key can only break uniqueness on the rows whose value repeats: DuckDB finds
# them, GX judges just those (rows and nulls counted over the whole batch). GX's own uniqueness
# over millions of keys in pandas was most of a big mart suite's time.
UNIQUE = "expect_column_values_to_be_unique"


def gx_chunk_rows() -> int:
    """Rows GX sees at once (settings: GX_CHUNK_ROWS)."""
    return get_settings().gx_chunk_rows


def validate_batch(con, sql: str, runtime: list[dict], parameters: dict) -> tuple[int, list]:
    """(rows, GX results) for one batch. Up to gx_chunk_rows() rows: one frame of the columns
    the expectations read. More: the batch is materialised in DuckDB once; the row-wise
    expectations run chunk by chunk and their results are added up; uniqueness is judged on the
    rows whose value repeats (found by DuckDB); the others (row counts, maxima, compound keys,
    the column set) see one frame of just the columns they read."""
    def params(exps: list[dict]) -> dict:
        used = set().union(*(parameters_used(e.get("kwargs", {})) for e in exps))
        return {k: parameters[k] for k in used}

    rows = con.execute(f"select count(*) from ({sql}) as q").fetchall()[0][0]
    chunk = gx_chunk_rows()
    row_wise = [e for e in runtime if e["type"] in ROW_WISE]
    repeats = [e for e in runtime
               if e["type"] == UNIQUE and (e.get("kwargs") or {}).get("mostly") is None]
    whole = [e for e in runtime if e["type"] not in ROW_WISE and e not in repeats]
    # without row-wise or uniqueness expectations chunks would not help: one frame of the batch
    if rows <= chunk or not (row_wise or repeats):
        return rows, validate_frame(fetch_frame(con, sql, columns_used(runtime),
                                                placeholders=reads_column_names(runtime)),
                                    runtime, params(runtime))
    results = []
    batch_columns = relation_columns(con, f"({sql})")
    kept = [c for c in batch_columns if c in columns_used(runtime)] or batch_columns[:1]
    con.execute(f"create or replace temp table {CHUNK_TABLE} as select "
                + ", ".join(quote(c) for c in kept) + f" from ({sql}) as q")
    try:
        if whole:
            df = fetch_frame(con, f"select * from {CHUNK_TABLE}", columns_used(whole),
                             batch_columns, placeholders=reads_column_names(whole))
            results += validate_frame(df, whole, params(whole))
            del df
        for exp in repeats:
            results += _unique_over_repeats(con, exp, params([exp]), batch_columns)
        if row_wise:
            by_index: dict[int, list] = {}
            for start in range(0, rows, chunk):
                df = fetch_frame(con, f"select * from {CHUNK_TABLE} "
                                      f"where rowid >= {start} and rowid < {start + chunk}",
                                 columns_used(row_wise), batch_columns, placeholders=False)
                for r in validate_frame(df, row_wise, params(row_wise)):
                    by_index.setdefault(r.expectation_config.meta["_index"], []).append(r)
                del df
            results += [merge_chunk_results(parts) for parts in by_index.values()]
    finally:
        con.execute(f"drop table if exists {CHUNK_TABLE}")
    return rows, results


def _unique_over_repeats(con, exp: dict, parameters: dict, batch_columns: list[str]) -> list:
    """GX's uniqueness result for the whole chunk table, from the rows whose value repeats."""
    column = exp["kwargs"]["column"]
    rows, nulls = batch_counts(con, f"select * from {CHUNK_TABLE}", [column])
    key = quote(column)
    # one null row too, if any: a column with nulls comes to pandas as the same type as it would
    # whole (integers with a null are floats), so failing values read as a full validation's
    df = fetch_frame(con, f"select * from {CHUNK_TABLE} qualify count(*) over (partition by "
                          f"{key}) > 1 and {key} is not null or {key} is null and row_number() "
                          f"over (partition by {key}) = 1", {column}, batch_columns,
                     placeholders=False)
    return [SimpleNamespace(result=over_whole_batch(exp["type"], r.result, rows, nulls[column]),
                            success=r.success, exception_info=r.exception_info,
                            expectation_config=r.expectation_config)
            for r in validate_frame(df, [exp], parameters)]


def merge_chunk_results(parts: list):
    """One row-wise expectation's result over a whole batch from its results over chunks:
    counts add up, percentages are recomputed, samples are pooled; `mostly` is judged on the
    totals (a chunk may fall short of it while the batch does not)."""
    errored = [p for p in parts if exception_message(p.exception_info)]
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
            key = json.dumps(plain(item.get("value")), default=str)
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
