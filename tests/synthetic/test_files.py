"""Every extract is written where and how the landing contract says."""

from __future__ import annotations

import csv
import re

import duckdb
import pytest

from dagster_project.contracts import CONTRACTS

from .contract_check import count_rows, extract_files, file_date, header

pytestmark = pytest.mark.usefixtures("trust_landing")


@pytest.mark.parametrize("contract", CONTRACTS, ids=lambda c: c.name)
def test_every_extract_is_written_with_the_contract_columns_in_order(trust_landing, contract):
    files = extract_files(trust_landing, contract.name)
    assert files, f"no {contract.name} files"
    for path in files:
        assert re.fullmatch(rf"{contract.name}_\d{{8}}\.csv", path.name)
        assert header(path) == list(contract.column_names), path.name


def test_row_counts_returned_match_the_files(trust_run):
    landing, rows = trust_run
    for contract in CONTRACTS:
        on_disk = count_rows(landing, contract.name)
        assert rows[contract.name] == on_disk > 0, contract.name


def test_only_contract_extract_folders_are_written(trust_landing):
    assert sorted(p.name for p in trust_landing.iterdir()) == sorted(c.name for c in CONTRACTS)


def test_text_formats(trust_landing):
    """UTF-8, ISO dates, Y/N booleans, YYYY-MM months, empty cells for missing values."""
    inc = extract_files(trust_landing, "incidents")[-1]
    raw = inc.read_bytes()
    raw.decode("utf-8")
    assert b"\r\n" not in raw
    rows = list(csv.DictReader(raw.decode().splitlines()))
    for row in rows:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["incident_date"])
        assert row["is_patient_safety"] in ("Y", "N")
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", row["last_modified"])
        assert row["closed_date"] == "" or re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["closed_date"])
        assert "None" not in row.values() and "null" not in row.values()
    quarters = duckdb.execute(f"select distinct quarter from read_csv('{trust_landing}/pulse_survey/"
                          f"*.csv', all_varchar=true)").fetchall()
    assert all(re.fullmatch(r"\d{4}-Q[1-4]", q) for (q,) in quarters)


def _dates_after_file(landing, extract: str, columns: list[str], month_columns=()) -> int:
    """Rows with a date (or month) later than the date in the file's name."""
    bad = 0
    for path in extract_files(landing, extract):
        d = file_date(path).isoformat()
        conds = [f"try_cast({c} as date) > date '{d}'" for c in columns]
        conds += [f"{c} > '{d[:7]}'" for c in month_columns]
        bad += duckdb.execute(f"select count(*) from read_csv('{path}', all_varchar=true) "
                          f"where {' or '.join(conds)}").fetchone()[0]
    return bad


def test_no_file_holds_a_date_after_its_extract_date(trust_landing):
    checks = {
        "incidents": (["incident_date", "reported_date", "closed_date",
                       "learning_response_completed", "last_modified"], []),
        "mandatory_training": (["snapshot_date", "achieved_date"], []),
        "improvement_training": (["completion_date"], []),
        "org_structure": (["valid_from", "valid_to"], []),
        "activity": ([], ["month"]),
        "workforce": ([], ["month"]),
        "fft_responses": ([], ["period"]),
        "waste_savings": ([], ["month"]),
    }
    for extract, (dates, months) in checks.items():
        assert _dates_after_file(trust_landing, extract, dates, months) == 0, extract


def test_monthly_files_cover_every_month(trust_landing):
    for extract in ("incidents", "activity", "workforce", "fft_responses",
                    "mandatory_training", "improvement_training", "waste_savings"):
        files = extract_files(trust_landing, extract)
        assert len(files) == 36, extract
        assert file_date(files[0]).isoformat() == "2023-11-30"
        assert file_date(files[-1]).isoformat() == "2026-10-31"
