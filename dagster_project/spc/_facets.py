"""Facets of several columns, carried as columns and never joined into a string.

A series key such as (measure_id, level, unit_code) cannot safely become one string: a code that
contains the separator would be cut when split back. The engine charts one sortable `facet`
column, so a key of several columns is numbered (a dense id in the key's own sort order), charted
by that id, and handed back as a struct `facet` whose fields are the key columns. Mappings keyed
by facet (target, rebase) take tuples of the key's values, in the order the columns were given.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl

FACET_ID = "__facet_id"


def encode(df: pl.DataFrame, facet: object) -> tuple[pl.DataFrame, object, pl.DataFrame | None]:
    """Return (df, facet column to chart by, key table or None for a single-column facet)."""
    if facet is None or isinstance(facet, str):
        return df, facet, None
    if not isinstance(facet, Sequence) or not facet:
        raise ValueError(f"facet must be a column name or a list of column names, got {facet!r}")
    columns = list(facet)
    missing = [c for c in columns if not isinstance(c, str) or c not in df.columns]
    if missing or len(set(columns)) != len(columns):
        raise ValueError(f"facet columns {columns!r} must be distinct columns of df "
                         f"(columns: {df.columns})")
    keys = df.select(columns).unique().sort(columns, nulls_last=True).with_row_index(FACET_ID)
    out = df.join(keys, on=columns, how="left", nulls_equal=True, maintain_order="left")
    return out, FACET_ID, keys


def encode_mapping(mapping: object, keys: pl.DataFrame | None, what: str) -> object:
    """Re-key a facet mapping (tuple of key values -> x) by facet id; an unknown key is an error."""
    if keys is None or not isinstance(mapping, Mapping):
        return mapping
    columns = [c for c in keys.columns if c != FACET_ID]
    ids = {tuple(row[1:]): row[0] for row in keys.iter_rows()}
    out, unknown = {}, []
    for key, value in mapping.items():
        key = tuple(key) if isinstance(key, (tuple, list)) else (key,)
        if key in ids:
            out[ids[key]] = value
        else:
            unknown.append(key)
    if unknown:
        raise ValueError(f"{what} names facets that are not in the data (keys are tuples of "
                         f"{columns}): {unknown}")
    return out


def decode(chart: pl.DataFrame, keys: pl.DataFrame | None) -> pl.DataFrame:
    """Replace the facet id by the struct of the key columns it stands for."""
    if keys is None:
        return chart
    struct = keys.select(pl.struct(pl.exclude(FACET_ID)).alias("facet")).to_series()
    return chart.with_columns(struct.gather(chart.get_column("facet")).alias("facet"))
