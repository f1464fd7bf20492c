"""The clean rows of every contract load with nothing quarantined, typed and with lineage."""

import hashlib
from datetime import date, datetime

import pytest

from dagster_project.contracts import CONTRACTS, CONTRACTS_BY_NAME, LINEAGE_COLUMNS
from dagster_project.ingest import load_all

from .ingest_helpers import NOW, VALID_ROWS, assert_accounting, load_log, quarantine


def test_every_contract_loads_its_clean_rows(con, landing):
    for contract in CONTRACTS:
        landing.write_rows(contract.name)
    results = load_all(con, landing.dir, NOW, stable_seconds=0)
    assert list(results)[:1] == ["org_structure"]
    assert list(results).index("waste_schemes") < list(results).index("waste_savings")
    for contract in CONTRACTS:
        r = results[contract.name]
        assert (r.files_loaded, r.files_rejected, r.rows_quarantined) == (1, 0, 0), r.markdown()
        assert r.rows_loaded == len(VALID_ROWS[contract.name])
    assert quarantine(con) == []
    assert_accounting(con)


@pytest.mark.parametrize("contract", CONTRACTS, ids=lambda c: c.name)
def test_raw_table_has_contract_columns_then_lineage(con, landing, contract):
    load_all(con, landing.dir, NOW, stable_seconds=0)
    cols = con.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'raw' AND table_name = ? ORDER BY ordinal_position",
        [contract.name]).fetchall()
    assert cols == [(c.name, c.duckdb_type) for c in contract.columns] + list(LINEAGE_COLUMNS)


def test_values_are_typed_normalised_and_carry_lineage(con, landing, reference_data):
    path = landing.write_rows("incidents")
    load_all(con, landing.dir, NOW, stable_seconds=0)
    rows = con.execute(
        "SELECT incident_id, is_patient_safety, incident_date, last_modified, patient_imd_decile, "
        "_extract_date, _file_name, _content_hash, _row_number, _loaded_at "
        "FROM raw.incidents ORDER BY _row_number").fetchall()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert rows == [
        ("INC001", True, date(2025, 1, 10), datetime(2025, 1, 11, 10, 0), 5,
         date(2025, 1, 31), "incidents_20250131.csv", digest, 1, NOW),
        ("INC002", True, date(2025, 1, 20), datetime(2025, 1, 25, 9, 30), None,
         date(2025, 1, 31), "incidents_20250131.csv", digest, 2, NOW),
        ("INC003", False, date(2025, 1, 30), datetime(2025, 1, 31, 8, 0), 10,
         date(2025, 1, 31), "incidents_20250131.csv", digest, 3, NOW),
    ]
    assert load_log(con, "incidents") == [
        ("incidents_20250131.csv", "loaded", 3, 3, 0, "loaded 3 of 3 rows")]


def test_contract_rows_fixture_covers_every_contract():
    assert set(VALID_ROWS) == set(CONTRACTS_BY_NAME)
    for name, rows in VALID_ROWS.items():
        assert all(set(r) == set(CONTRACTS_BY_NAME[name].column_names) for r in rows), name
