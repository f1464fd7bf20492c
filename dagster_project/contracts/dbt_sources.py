"""Write dbt's raw sources from the extract contracts, so the tables dbt reads and the tables the
loader writes cannot disagree: one `dbt_project/models/staging/<family>/_<family>__sources.yml`
per contract family, each extract a table with the contract's columns (dbt types) and the lineage
columns, described from the contract.

    .venv/bin/python -m dagster_project.contracts.dbt_sources           # rewrite what changed
    .venv/bin/python -m dagster_project.contracts.dbt_sources --check   # exit 1 if out of date

The whole file is generated (no hand-written part): change the contract, then regenerate. The
ingest step's own tables (`raw.load_log`, `raw.quarantine`) and the check history are declared by
hand beside them (`_ingest__sources.yml`, `_quality__sources.yml`): no contract describes them.
A test fails when a contract changed and the sources were not regenerated.
"""

from __future__ import annotations

from pathlib import Path

from ..generated import generator_main, sync_files
from ..settings import DBT_PROJECT_DIR
from . import CONTRACTS, LINEAGE_COLUMNS, Column, Contract

STAGING_DIR = DBT_PROJECT_DIR / "models" / "staging"
RAW_SCHEMA = "raw"
# Every generated source carries this tag: a model that needs the list of extracts (the
# published data_quality table) reads it from dbt's graph, not from a second copy.
EXTRACT_TAG = "extract"
HEADER = ("# Generated from dagster_project/contracts/extracts.py by\n"
          "# `python -m dagster_project.contracts.dbt_sources`: do not edit by hand.\n")

# The contract's logical types as dbt data types (DuckDB's names for them; model.DUCKDB_TYPES).
DBT_TYPES = {
    "text": "string", "month": "string", "quarter": "string", "int": "bigint",
    "decimal": "double", "date": "date", "timestamp": "timestamp", "bool": "boolean",
}
# DuckDB column types (the lineage columns, the ingest step's own tables) as dbt data types
SQL_TYPES = {"VARCHAR": "string", "BIGINT": "bigint", "DATE": "date", "TIMESTAMP": "timestamp"}
LINEAGE_DESCRIPTIONS = {
    "_extract_date": "The date in the delivered file's name.",
    "_file_name": "The delivered file the row came from.",
    "_content_hash": "Content hash of the delivered file.",
    "_row_number": "Row number in the file (1 = first data row).",
    "_loaded_at": "When the loader wrote the row.",
}
# How a family reads in "Raw <...> extracts"; a family not listed reads as its name.
FAMILY_LABELS = {"improvement": "improvement-register"}


def sources_path(family: str, staging_dir: Path = STAGING_DIR) -> Path:
    return staging_dir / family / f"_{family}__sources.yml"


def families() -> list[str]:
    """Contract families in contract order, each once."""
    return list(dict.fromkeys(c.family for c in CONTRACTS))


def _column(name: str, data_type: str, description: str = "") -> list[str]:
    lines = [f"          - name: {name}", f"            data_type: {data_type}"]
    if description:
        lines.append(f"            description: {description}")
    return lines


def _table(contract: Contract) -> list[str]:
    key = ", ".join(contract.key)
    lines = [
        f"      - name: {contract.name}",
        "        description: >-",
        f"          {contract.description}",
        f"          Key: {key}; every delivery is kept ({contract.load_mode} semantics).",
        "        columns:",
    ]
    for col in contract.columns:
        lines += _column(col.name, dbt_type(col), col.description)
    for name, sql_type in LINEAGE_COLUMNS:
        lines += _column(name, SQL_TYPES[sql_type], LINEAGE_DESCRIPTIONS[name])
    return lines


def dbt_type(col: Column) -> str:
    return DBT_TYPES[col.type]


def render_sources(family: str) -> str:
    """The whole `_<family>__sources.yml` for the contracts of `family`."""
    label = FAMILY_LABELS.get(family, family)
    lines = [
        HEADER + "version: 2",
        "",
        "sources:",
        f"  - name: {family}",
        f"    description: Raw {label} extracts as loaded by the ingest step (every delivery "
        "kept, with lineage).",
        f"    schema: {RAW_SCHEMA}",
        "    config:",
        f"      tags: [{EXTRACT_TAG}]",
        "    tables:",
    ]
    tables = [_table(c) for c in CONTRACTS if c.family == family]
    for i, table in enumerate(tables):
        lines += ([""] if i else []) + table
    return "\n".join(lines) + "\n"


def sync_sources(staging_dir: Path = STAGING_DIR, *, write: bool = True) -> list[Path]:
    """Regenerate every family's sources file; return the files that changed (or would)."""
    return sync_files({sources_path(f, staging_dir): render_sources(f) for f in families()}, write)


def main(argv: list[str] | None = None) -> int:
    return generator_main(lambda write: sync_sources(write=write), argv)


if __name__ == "__main__":
    raise SystemExit(main())
