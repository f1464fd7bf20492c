"""Small questions about warehouse relations, asked the same way by every quality module.

Every query is fetched in full (fetchall): duckdb 2.x refuses new relation work on a connection
whose previous result was only partly fetched (fetchone).
"""

from __future__ import annotations

import duckdb


def relation_exists(con: duckdb.DuckDBPyConnection, relation: str) -> bool:
    """`schema.name` (or a bare name in `main`) is a table or view."""
    schema, _, name = relation.rpartition(".")
    return con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema or "main", name]).fetchall()[0][0] > 0


def relation_columns(con: duckdb.DuckDBPyConnection, relation: str) -> list[str]:
    """The column names of a relation or a parenthesised query."""
    return [r[0] for r in con.execute(f"describe select * from {relation}").fetchall()]


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
