"""Clean output breaks no contract rule; --bad-rows breaks them on purpose."""

from __future__ import annotations

import datetime as dt
import shutil
from collections import Counter

import polars as pl

from dagster_project.contracts import CONTRACTS_BY_NAME
from dagster_project.synthetic.writer import LandingWriter

from .contract_check import bad_rows_by_file, check_landing


def test_clean_trust_output_has_zero_violations(trust_landing):
    violations = check_landing(trust_landing)
    assert violations == [], Counter((v.file.rsplit("_", 1)[0], v.column, v.rule)
                                     for v in violations).most_common(10)


def test_clean_national_output_has_zero_violations(national_run):
    landing, _ = national_run
    assert check_landing(landing) == []


def test_bad_rows_produce_every_kind_of_violation(bad_run):
    landing, rows = bad_run
    violations = check_landing(landing)
    rules = Counter(v.rule for v in violations)
    values = {v.value for v in violations}
    assert rules["reference"] > 0 and "UNK" in values  # unknown CSU
    assert rules["type_date"] > 0 and "31/02/2025" in values  # impossible date
    assert rules["min"] > 0 and "-3" in values  # negative count
    assert rules["allowed"] > 0 and "unknown" in values  # outside the allowed set
    assert rules["duplicate_key"] > 0
    bad = sum(len(r) for r in bad_rows_by_file(violations).values())
    total = sum(rows.values()) - rows["org_structure"]
    # 2% of rows corrupted; a duplicated key quarantines both rows.
    assert 0.012 * total < bad < 0.04 * total


def test_checker_sees_a_date_after_the_extract_date(tmp_path, trust_landing):
    """The checker itself is honest: a row dated after its file's date is caught."""
    shutil.copytree(trust_landing / "org_structure", tmp_path / "org_structure")
    contract = CONTRACTS_BY_NAME["improvement_training"]
    df = pl.DataFrame({
        "event_id": ["E1", "E2"], "person_key": ["a" * 16, "b" * 16], "csu_code": ["AMS"] * 2,
        "staff_group": ["students"] * 2, "programme": ["COACHING_SESSION"] * 2,
        "is_quality_partner": ["N", "N"],
        "completion_date": [dt.date(2025, 1, 31), dt.date(2025, 2, 1)], "hours": [1.0, 0.0],
        "status": ["completed"] * 2})
    assert tuple(df.columns) == contract.column_names
    LandingWriter(tmp_path, seed=1).write("improvement_training", dt.date(2025, 1, 31), df)
    found = {(v.row, v.rule) for v in check_landing(tmp_path, ("improvement_training",))}
    assert (2, "completion_date_not_after_extract_date") in found
    assert (2, "hours_positive") in found
    assert {r for r, _ in found} == {2}
