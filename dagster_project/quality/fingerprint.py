"""Is a suite's last passing verdict still good? A fingerprint of everything the suite reads.

A suite's verdict depends on: the suite file itself, the rows of its table and of every other
relation its batches and parameters query (value sets from `marts.dim_csu`, say), and the check
date where a parameter counts back from it (freshness). The fingerprint is a hash of all of
them; each relation contributes its columns and types, its row count and the sum of a hash of
every whole row, computed in DuckDB in one scan. A sum of row hashes is blind to row order (which
no check depends on) but not to a value moved from one row to another, an added or removed row
or a duplicated one. A relation that cannot be read or a query that cannot be parsed gives no
fingerprint: the suite then always runs.

The previous row count (`previous_row_count`) is left out: it only tells how far the table moved
since the last run, and an unchanged table is always within its own band.
"""

from __future__ import annotations

import hashlib
import json
import re

import duckdb

from .parameters import compute_parameter
from .relations import relation_exists

# parameters that read the check date: the verdict can change while no table does
DATE_PARAMETERS = frozenset({"as_of_minus_days"})


def suite_relations(suite: dict) -> list[str]:
    """The table and every relation named in the suite's batches and parameters' SQL."""
    meta = suite["meta"]
    table = meta["table"]
    queries = [q.replace("{table}", table).replace("{batch}", f"(select * from {table})")
               for q in meta.get("batches", {}).values()]
    queries += [spec["sql"] for spec in meta.get("parameters", {}).values() if "sql" in spec]
    names = {table}
    for sql in queries:
        # qualified names come with their alias (`marts.fct_incidents AS i`)
        names |= {re.split(r"\s+as\s+", n, flags=re.IGNORECASE)[0]
                  for n in duckdb.get_table_names(sql, qualified=True)}
    return sorted(names)


def relation_schema(con, relation: str) -> list:
    return [list(c[:2]) for c in con.execute(f"describe select * from {relation}").fetchall()]


def relation_fingerprint(con, relation: str) -> list:
    """[columns and types, rows, sum of whole-row hashes] of one relation."""
    rows, hashes = con.execute(
        f"select count(*), sum(hash(r)) from (select * from {relation}) as r").fetchall()[0]
    return [relation_schema(con, relation), rows, None if hashes is None else str(hashes)]


def digest(state) -> str:
    text = json.dumps(state, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def suite_fingerprint(con, suite: dict, *, table_rows: bool = True) -> str | None:
    """A hex digest of everything the suite's verdict depends on; None when it cannot be told.

    `table_rows=False`: everything but the rows of the suite's own table (its columns still
    count): what a partition's verdict depends on besides its own rows (partitions.py)."""
    table = suite["meta"]["table"]
    try:
        relations = suite_relations(suite)
        if not all(relation_exists(con, r) for r in relations):
            return None
        state = {
            "suite": suite,
            "relations": {r: relation_fingerprint(con, r) if table_rows or r != table
                          else relation_schema(con, r) for r in relations},
            "dates": {name: str(compute_parameter(con, suite, spec, None))
                      for name, spec in suite["meta"].get("parameters", {}).items()
                      if spec.get("kind") in DATE_PARAMETERS},
        }
    except (duckdb.Error, ValueError, KeyError):
        return None
    return digest(state)
