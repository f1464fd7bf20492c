"""The one way Python reads what dbt built, whichever engine built it.

On DuckDB dbt writes its relations into the warehouse itself. On Spark they are Parquet folders
under `<lake>/spark-warehouse/<schema>.db/<name>/`; `attach_spark_tables` makes each a view of
the same name in the DuckDB warehouse, over its Parquet (no Spark session: the metastore is
dbt's while it runs, and reading Parquet needs none). SPC, quality checks, publication and the
report then read `marts.*`, `publish_candidate.*`, ... as they always did. The views read the
files at query time, so a later dbt run's rewrite is seen without attaching again; they are
refreshed after every dbt run on Spark anyway, as a model may change its columns.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb

from ..ingest.reader import quote_ident
from .spark import spark_warehouse_dir

# dbt nodes that are relations in the warehouse
RELATION_TYPES = ("model", "seed", "snapshot")


# a declared column type, as written in the project (`string`, `decimal(10, 2)`), is SQL text
DECLARED_TYPE = re.compile(r"[A-Za-z][A-Za-z0-9_]*( ?\([0-9, ]+\))?")


def declared_types(node: dict) -> dict[str, str | None]:
    """A relation's declared columns in order, each with the type dbt gives it if it says (a
    seed's `column_types`, a contract's `data_type`), else None."""
    seed_types = (node.get("config") or {}).get("column_types") or {}
    columns = {name: (column or {}).get("data_type")
               for name, column in (node.get("columns") or {}).items()}
    return {name: seed_types.get(name) or columns.get(name)
            for name in [*columns, *(c for c in seed_types if c not in columns)]}


def dbt_relations(manifest_path: Path) -> list[tuple[str, str, dict[str, str | None]]]:
    """(schema, name, declared columns and types in order) of every relation dbt builds."""
    nodes = json.loads(Path(manifest_path).read_text(encoding="utf-8"))["nodes"].values()
    return sorted((n["schema"], n.get("alias") or n["name"], declared_types(n))
                  for n in nodes if n["resource_type"] in RELATION_TYPES)


def table_files(folder: Path) -> str | None:
    """The glob of a Spark table's Parquet files, or None if it has none (a view, not built)."""
    visible = (p for p in folder.rglob("*.parquet")
               if not any(part.startswith((".", "_")) for part in p.relative_to(folder).parts))
    return f"{folder}/**/*.parquet" if folder.is_dir() and next(visible, None) else None


def _kind(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> str | None:
    found = con.execute("SELECT table_type FROM information_schema.tables "
                        "WHERE table_schema = ? AND table_name = ?", [schema, name]).fetchone()
    return found[0] if found else None


def attach_relation(con: duckdb.DuckDBPyConnection, schema: str, name: str, files: str,
                    declared: list[str]) -> None:
    """`schema.name` as a view over `files` (partition folders give their column back), with
    the model's declared column order when it declares them all."""
    source = f"read_parquet('{files}', hive_partitioning = true, union_by_name = true)"
    present = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()]
    columns = declared if declared and sorted(declared) == sorted(present) else present
    replace_with_view(con, schema, name, "SELECT " + ", ".join(quote_ident(c) for c in columns)
                      + f" FROM {source}")


def replace_with_view(con: duckdb.DuckDBPyConnection, schema: str, name: str,
                      query: str) -> None:
    relation = f"{quote_ident(schema)}.{quote_ident(name)}"
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {quote_ident(schema)}")
    if _kind(con, schema, name) == "BASE TABLE":
        # built by DuckDB before the engine changed: the Spark-built one replaces it
        con.execute(f"DROP TABLE {relation}")
    con.execute(f"CREATE OR REPLACE VIEW {relation} AS {query}")


def empty_select(declared: dict[str, str | None]) -> str:
    """A query of no rows with the declared columns and types (a column whose type the project
    does not declare is text, which is what dbt-spark gives such a column of an empty seed)."""
    def typed(column: str, kind: str | None) -> str:
        kind = kind or "varchar"
        if not DECLARED_TYPE.fullmatch(kind):
            raise ValueError(f"column {column}: declared type {kind!r} is not a type name")
        return f"CAST(NULL AS {kind}) AS {quote_ident(column)}"

    return "SELECT " + ", ".join(typed(c, k) for c, k in declared.items()) + " WHERE false"


def attach_empty(con: duckdb.DuckDBPyConnection, schema: str, name: str,
                 declared: dict[str, str | None]) -> None:
    """`schema.name` as a view of no rows with its declared columns: a table Spark created but
    wrote no file for (a seed with no rows: dbt-spark creates it, then has nothing to insert)."""
    replace_with_view(con, schema, name, empty_select(declared))


def attach_spark_tables(con: duckdb.DuckDBPyConnection, manifest_path: Path,
                        lake_dir: Path | None = None) -> list[str]:
    """Every relation dbt built on Spark as a Parquet table, as a DuckDB view of the same name;
    returns `schema.name` of each. A view on Spark has no folder and is not attached."""
    root = spark_warehouse_dir(lake_dir)
    attached = []
    for schema, name, declared in dbt_relations(manifest_path):
        folder = root / f"{schema}.db" / name
        files = table_files(folder)
        if files is not None:
            attach_relation(con, schema, name, files, list(declared))
        elif folder.is_dir() and declared:
            attach_empty(con, schema, name, declared)
        else:
            continue
        attached.append(f"{schema}.{name}")
    return attached
