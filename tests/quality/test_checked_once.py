"""Each rule is checked once, where it is cheapest: the loader is the row-level gate for raw data
(it quarantines a breaking row before the raw table sees it), the raw suites check only what the
loader cannot see, with aggregate queries. Every failure the old row-level suites caught is still
caught, by one or the other."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from .quality_fixtures import good_incidents, org_rows

from dagster_project.contracts import CONTRACTS, CONTRACTS_BY_NAME
from dagster_project.ingest.load import load_extract
from dagster_project.ingest.validate import failures_sql, row_checks
from dagster_project.quality.gx_runner import run_suite
from dagster_project.quality.suite_file import load_suite
from dagster_project.quality.suites import raw_suite_path
from dagster_project.settings import EXPECTATIONS_DIR

INCIDENTS = EXPECTATIONS_DIR / "raw.incidents.json"
# expectation types GX can only judge by looking at every row of a column
ROW_LEVEL = {"expect_column_values_to_not_be_null", "expect_column_values_to_be_in_set",
             "expect_column_values_to_be_between", "expect_column_values_to_match_regex",
             "expect_column_values_to_be_unique", "expect_compound_columns_to_be_unique",
             "expect_column_pair_values_a_to_be_greater_than_b"}


def _rule_kinds(contract) -> set[tuple[str, str]]:
    """Every (column, rule) the contract implies at row level: what the raw suites used to
    re-check on every loaded row."""
    kinds = set()
    for col in contract.columns:
        if col.required:
            kinds.add((col.name, "required"))
        if col.allowed or col.allowed_prefixes:
            kinds.add((col.name, "not_allowed"))
        if col.pattern:
            kinds.add((col.name, "pattern_mismatch"))
        if col.min is not None:
            kinds.add((col.name, "below_min"))
        if col.max is not None:
            kinds.add((col.name, "above_max"))
    kinds.update((r.column, r.name) for r in contract.rules)
    return kinds


@pytest.mark.parametrize("contract", CONTRACTS, ids=lambda c: c.name)
def test_the_loader_checks_every_row_rule_of_the_contract(contract):
    checked = {(column, rule) for column, rule, _ in row_checks(contract)}
    assert _rule_kinds(contract) <= checked
    sql = failures_sql(contract, "typed")
    assert "duplicate_key" in sql
    assert all("reference_not_found" in sql and r.to_extract in sql
               for r in contract.references)


@pytest.mark.parametrize("contract", CONTRACTS, ids=lambda c: c.name)
def test_raw_suites_do_not_read_rows_again(contract):
    """No raw suite expectation judges the rows of the main batch one by one: a row-level
    expectation may only read an aggregate batch (one row per month, say)."""
    suite = load_suite(raw_suite_path(contract))
    for exp in suite["expectations"]:
        if exp["type"] in ROW_LEVEL or exp["type"] == "expect_column_max_to_be_between":
            batch = exp["meta"].get("batch")
            assert batch, f"{suite['name']}: {exp['meta']['name']} reads every row"
            sql = suite["meta"]["batches"][batch].lower()
            assert "group by" in sql or "count(" in sql or "max(" in sql, \
                f"{suite['name']}: batch {batch} is not an aggregate"


def _csv(rows: list[dict], columns: list[str]) -> str:
    def cell(v):
        if v is None:
            return ""
        if isinstance(v, bool):
            return "Y" if v else "N"
        return v.isoformat() if isinstance(v, (date, datetime)) else str(v)

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows([[cell(r.get(c)) for c in columns] for r in rows])
    return out.getvalue()


def _land(root, extract: str, rows: list[dict], stamp: str) -> None:
    folder = root / extract
    folder.mkdir(parents=True, exist_ok=True)
    columns = list(CONTRACTS_BY_NAME[extract].column_names)
    (folder / f"{extract}_{stamp}.csv").write_text(_csv(rows, columns), encoding="utf-8")


BAD = {  # row index -> (changes, the (column, rule) the loader quarantines it for)
    0: ({"physical_harm": "catastrophic"}, ("physical_harm", "not_allowed")),
    3: ({"csu_code": "NOPE"}, ("csu_code", "reference_not_found")),
    4: ({"incident_date": date(2025, 7, 30), "reported_date": date(2025, 7, 30)},
        ("incident_date", "incident_date_not_after_extract_date")),
    5: ({"category": None}, ("category", "required")),
    6: ({"specialty_code": "ABC"}, ("specialty_code", "pattern_mismatch")),
    7: ({"patient_imd_decile": 11}, ("patient_imd_decile", "above_max")),
    8: ({"incident_id": "INC00009"}, ("incident_id", "duplicate_key")),  # row 9's key
}


def test_bad_values_are_stopped_by_the_loader_and_the_suite_passes_what_remains(con, tmp_path):
    """The bad values the row-level suite used to catch after loading are quarantined by the
    loader, each named by column and rule; the raw table holds only the clean rows, on which the
    (aggregate) suite passes."""
    landing = tmp_path / "landing"
    _land(landing, "org_structure", org_rows(), "20250101")
    rows = good_incidents()
    for i, (changes, _) in BAD.items():
        rows[i].update(changes)
    _land(landing, "incidents", rows, "20250701")
    now = datetime(2025, 7, 2, 6)
    load_extract(con, CONTRACTS_BY_NAME["org_structure"], landing, now, stable_seconds=0)
    result = load_extract(con, CONTRACTS_BY_NAME["incidents"], landing, now, stable_seconds=0)

    quarantined = {(c, r) for c, r in con.execute(
        "select column_name, rule from raw.quarantine where extract = 'incidents'").fetchall()}
    assert {caught for _, caught in BAD.values()} <= quarantined
    bad_rows = len(BAD) + 1  # both rows sharing a key are quarantined
    assert result.rows_quarantined == bad_rows
    assert con.execute("select count(*) from raw.incidents").fetchall()[0][0] \
        == len(rows) - bad_rows
    suite = run_suite(con, INCIDENTS)
    assert suite.passed, [(o.name, o.observed_value) for o in suite.failed]
    assert suite.rows_checked == len(rows) - bad_rows
