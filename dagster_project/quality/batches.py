"""The rows a suite checks: the main batch's SQL, and a batch fetched as a pandas frame of just
the columns its expectations read."""

from __future__ import annotations

from .relations import quote, relation_columns
from .suite_file import ALL_ROWS, LATEST_DELIVERY

ROWS_ONLY = "__rows__"


def main_batch_sql(con, suite: dict) -> str:
    """All rows, or for a `latest_delivery` suite the rows of the newest delivery: its newest
    `_extract_date`, and within it the file that wins in sort order (a correction)."""
    meta = suite["meta"]
    table = meta["table"]
    if meta.get("batch", ALL_ROWS) == LATEST_DELIVERY and "_extract_date" in relation_columns(
            con, table):
        return f"""select * from {table} where (_extract_date, _file_name) = (
            select (_extract_date, _file_name) from {table}
            order by _extract_date desc, _file_name desc limit 1)"""
    return f"select * from {table}"


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


def reads_column_names(expectations: list[dict]) -> bool:
    """Does any expectation look at the batch's column names (the column set, a column's
    existence, the column count) rather than at values?"""
    return any(e["type"].startswith("expect_table_column") or e["type"] == "expect_column_to_exist"
               for e in expectations)


def fetch_frame(con, sql: str, columns: set[str] | None = None,
                all_columns: list[str] | None = None, *, placeholders: bool = True):
    """Rows as pandas, with DECIMAL/HUGEINT widened to DOUBLE so GX compares plain numbers.

    With `columns`, only those columns' values are fetched; every other column is there by
    name but all-null and free (an Arrow null array), so a column-set expectation still sees
    the table's columns. A wide raw table of millions of rows is then a few columns of pandas,
    not all of them (lineage hashes and file names included). When no column is read (only
    row counts and the column set), DuckDB counts the rows and no row is fetched at all.
    `all_columns`: the batch's columns when `sql` reads a narrower copy of it.
    `placeholders=False` (no expectation reads the column names): the other columns are left
    out altogether, as GX hashes every column of a frame, null or not, to name its batch (6 s
    for 20 all-null columns of 2 M rows), and row counts get a frame of no columns at all."""
    import pandas as pd
    import pyarrow as pa

    rel = con.sql(sql)
    casts, skipped = [], []
    for name, dtype in zip(rel.columns, rel.types, strict=True):
        t = str(dtype).upper()
        if columns is not None and name not in columns:
            skipped.append(name)
        elif t.startswith("DECIMAL") or t in ("HUGEINT", "UHUGEINT"):
            casts.append(f"cast({quote(name)} as double) as {quote(name)}")
        else:
            casts.append(quote(name))
    if casts:
        df = _to_pandas(con.sql(f"select {', '.join(casts)} from ({sql}) as q").arrow())
    else:  # table-level expectations only: the row count is all GX needs, counted in DuckDB
        rows = con.execute(f"select count(*) from ({sql}) as q").fetchall()[0][0]
        df = pd.DataFrame({ROWS_ONLY: pd.arrays.ArrowExtensionArray(pa.nulls(rows))}) \
            if placeholders else pd.DataFrame(index=pd.RangeIndex(rows))
    if not placeholders:
        return df
    skipped += [c for c in all_columns or () if c not in rel.columns]
    order = all_columns or rel.columns
    if skipped:
        nulls = pd.arrays.ArrowExtensionArray(pa.nulls(len(df)))
        df = df.assign(**{name: nulls for name in skipped})
        df = df[list(order)]
    return df
