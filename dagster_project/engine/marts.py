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
from pathlib import Path

import duckdb

from ..ingest.reader import quote_ident
from .spark import spark_warehouse_dir

# dbt nodes that are relations in the warehouse
RELATION_TYPES = ("model", "seed", "snapshot")


def dbt_relations(manifest_path: Path) -> list[tuple[str, str, list[str]]]:
    """(schema, name, declared columns in order) of every relation dbt builds."""
    nodes = json.loads(Path(manifest_path).read_text(encoding="utf-8"))["nodes"].values()
    return sorted((n["schema"], n.get("alias") or n["name"], list(n.get("columns") or {}))
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
    relation = f"{quote_ident(schema)}.{quote_ident(name)}"
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {quote_ident(schema)}")
    if _kind(con, schema, name) == "BASE TABLE":
        # built by DuckDB before the engine changed: the Spark-built one replaces it
        con.execute(f"DROP TABLE {relation}")
    con.execute(f"CREATE OR REPLACE VIEW {relation} AS SELECT "
                + ", ".join(quote_ident(c) for c in columns) + f" FROM {source}")


def attach_spark_tables(con: duckdb.DuckDBPyConnection, manifest_path: Path,
                        lake_dir: Path | None = None) -> list[str]:
    """Every relation dbt built on Spark as a Parquet table, as a DuckDB view of the same name;
    returns `schema.name` of each."""
    root = spark_warehouse_dir(lake_dir)
    attached = []
    for schema, name, declared in dbt_relations(manifest_path):
        files = table_files(root / f"{schema}.db" / name)
        if files is not None:
            attach_relation(con, schema, name, files, declared)
            attached.append(f"{schema}.{name}")
    return attached
