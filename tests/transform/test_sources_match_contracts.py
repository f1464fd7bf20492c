"""dbt's raw sources are generated from the extract contracts: a contract and its
`_<family>__sources.yml` cannot drift apart unnoticed."""

import re

import yaml

from dagster_project.contracts import CONTRACTS, LINEAGE_COLUMNS
from dagster_project.contracts.dbt_sources import (
    SQL_TYPES, STAGING_DIR, dbt_type, families, render_sources, sources_path, sync_sources)

SOURCE_CALL = re.compile(r"source\(\s*'(\w+)'\s*,\s*'(\w+)'\s*\)")


def test_sources_files_are_in_sync_with_the_contracts():
    assert sync_sources(write=False) == [], \
        "run `.venv/bin/python -m dagster_project.contracts.dbt_sources` after changing a contract"


def test_every_extract_is_a_source_table_with_its_contract_columns_and_types():
    declared = {}
    for family in families():
        doc = yaml.safe_load(sources_path(family).read_text(encoding="utf-8"))
        (source,) = doc["sources"]
        assert (source["name"], source["schema"]) == (family, "raw")
        for table in source["tables"]:
            declared[(family, table["name"])] = [(c["name"], c["data_type"])
                                                 for c in table["columns"]]
    lineage = [name for name, _ in LINEAGE_COLUMNS]
    for contract in CONTRACTS:
        columns = declared.pop((contract.family, contract.name))
        assert columns[:len(contract.columns)] == \
            [(c.name, dbt_type(c)) for c in contract.columns], contract.name
        assert [n for n, _ in columns[len(contract.columns):]] == lineage, contract.name
    assert declared == {}, f"source tables with no contract: {sorted(declared)}"


def test_staging_reads_every_extract_through_its_generated_source():
    read = set()
    for sql in STAGING_DIR.rglob("*.sql"):
        read |= set(SOURCE_CALL.findall(sql.read_text(encoding="utf-8")))
    assert {(c.family, c.name) for c in CONTRACTS} <= read


def test_a_hand_edit_or_a_changed_contract_is_reported_and_rewritten(tmp_path):
    assert sorted(sync_sources(tmp_path)) == sorted(sources_path(f, tmp_path)
                                                    for f in families())  # all new
    assert sync_sources(tmp_path) == []  # idempotent
    path = sources_path("incident", tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace(
        "          - name: lfpse_ref\n            data_type: string\n", ""), encoding="utf-8")
    assert sync_sources(tmp_path, write=False) == [path]
    assert sync_sources(tmp_path) == [path]
    assert path.read_text(encoding="utf-8") == render_sources("incident")


def test_the_load_log_source_declares_the_loaders_columns():
    from dagster_project.ingest.load import LOAD_LOG_COLUMNS

    doc = yaml.safe_load((STAGING_DIR / "ingest" / "_ingest__sources.yml").read_text("utf-8"))
    (table,) = [t for t in doc["sources"][0]["tables"] if t["name"] == "load_log"]
    assert [(c["name"], c["data_type"]) for c in table["columns"]] == \
        [(name, SQL_TYPES[sql_type]) for name, sql_type in LOAD_LOG_COLUMNS]
