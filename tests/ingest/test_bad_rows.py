"""Rows that break their contract are quarantined with the exact (file, row, column, rule, value),
never loaded, and counted: rows_in = rows_loaded + rows_quarantined."""

from datetime import date

import pytest

from dagster_project.contracts import CONTRACTS_BY_NAME

from .ingest_helpers import STAMP, assert_accounting, load, quarantine, valid_rows


def load_rows(con, landing, extract, rows, columns=None):
    name = f"{extract}_{STAMP}.csv"
    landing.write_rows(extract, rows, name=name, columns=columns)
    result = load(con, landing, extract)
    assert len(result.files) == 1
    f = result.files[0]
    assert f.status == "loaded", f.message
    assert f.rows_in == f.rows_loaded + f.rows_quarantined
    loaded = con.execute(f"SELECT count(*) FROM raw.{extract}").fetchone()[0]
    assert loaded == f.rows_loaded
    assert_accounting(con)
    return f


def incidents(**changes_by_row):
    rows = valid_rows("incidents")
    for index, changes in changes_by_row.items():
        rows[int(index[1:])].update(changes)
    return rows


INC = f"incidents_{STAMP}.csv"


def test_impossible_date_31_feb(con, landing, reference_data):
    f = load_rows(con, landing, "incidents", incidents(r0={"incident_date": "31/02/2025"}))
    assert (f.rows_in, f.rows_loaded, f.rows_quarantined) == (3, 2, 1)
    assert quarantine(con) == [(INC, 1, "incident_date", "invalid_date", "31/02/2025")]
    assert f.message == "loaded 2 of 3 rows; 1 quarantined (invalid_date: 1)"


def test_dd_mm_yyyy_is_accepted_and_normalised(con, landing, reference_data):
    f = load_rows(con, landing, "incidents",
                  incidents(r0={"incident_date": "09/01/2025", "reported_date": "1/2/2025"}))
    # 1 Feb is after the extract date (31 Jan): that is the only failure.
    assert quarantine(con) == [
        (INC, 1, "reported_date", "reported_date_not_after_extract_date", "1/2/2025")]
    f = load_rows(con, landing, "incidents",
                  incidents(r0={"incident_date": "09/01/2025", "reported_date": "10/01/2025"}))
    assert f.rows_quarantined == 0
    assert con.execute("SELECT incident_date, reported_date FROM raw.incidents "
                       "WHERE incident_id = 'INC001'").fetchone() == (date(2025, 1, 9),
                                                                       date(2025, 1, 10))


def test_malformed_dates(con, landing, reference_data):
    load_rows(con, landing, "incidents", incidents(
        r0={"incident_date": "2025-1-5"}, r1={"incident_date": "2025-13-01"},
        r2={"incident_date": "yesterday"}))
    assert quarantine(con) == [
        (INC, 1, "incident_date", "invalid_date", "2025-1-5"),
        (INC, 2, "incident_date", "invalid_date", "2025-13-01"),
        (INC, 3, "incident_date", "invalid_date", "yesterday"),
    ]


def test_dates_after_the_extract_date(con, landing, reference_data):
    f = load_rows(con, landing, "incidents", incidents(
        r0={"incident_date": "2025-02-10", "reported_date": "2025-02-11"}))
    assert f.rows_quarantined == 1
    assert quarantine(con) == [
        (INC, 1, "incident_date", "incident_date_not_after_extract_date", "2025-02-10"),
        (INC, 1, "reported_date", "reported_date_not_after_extract_date", "2025-02-11"),
    ]


def test_incident_before_report_and_closed_before_reported(con, landing, reference_data):
    load_rows(con, landing, "incidents", incidents(
        r0={"incident_date": "2025-01-12"}, r1={"closed_date": "2025-01-19"}))
    assert quarantine(con) == [
        (INC, 1, "incident_date", "incident_date_not_after_reported_date", "2025-01-12"),
        (INC, 2, "closed_date", "closed_date_not_before_reported_date", "2025-01-19"),
    ]


def test_required_value_missing(con, landing, reference_data):
    load_rows(con, landing, "incidents", incidents(r1={"status": "  "}, r2={"csu_code": None}))
    assert quarantine(con) == [
        (INC, 2, "status", "required", "  "),
        (INC, 3, "csu_code", "required", None),
    ]


def test_bad_boolean(con, landing, reference_data):
    load_rows(con, landing, "incidents", incidents(
        r0={"is_never_event": "maybe"}, r1={"duty_of_candour": "YES"},
        r2={"is_patient_safety": "2"}))
    assert quarantine(con) == [
        (INC, 1, "is_never_event", "invalid_bool", "maybe"),
        (INC, 3, "is_patient_safety", "invalid_bool", "2"),
    ]
    assert con.execute("SELECT duty_of_candour FROM raw.incidents").fetchall() == [(True,)]


def test_value_outside_allowed_set(con, landing, reference_data):
    load_rows(con, landing, "incidents", incidents(
        r0={"category": "falls"}, r1={"physical_harm": "catastrophic"}))
    assert quarantine(con) == [
        (INC, 1, "category", "not_allowed", "falls"),
        (INC, 2, "physical_harm", "not_allowed", "catastrophic"),
    ]


def test_allowed_values_are_case_insensitive_trimmed_and_canonicalised(con, landing,
                                                                      reference_data):
    f = load_rows(con, landing, "incidents", incidents(
        r0={"physical_harm": " Death "}, r1={"physical_harm": "SEVERE", "status": "Closed",
                                             "learning_response": "psii"}))
    assert f.rows_quarantined == 0
    assert con.execute(
        "SELECT incident_id, physical_harm, status, learning_response FROM raw.incidents "
        "ORDER BY 1").fetchall() == [
        ("INC001", "fatal", "open", "AAR"),
        ("INC002", "severe", "closed", "PSII"),
        ("INC003", "moderate", "under_review", "SWARM"),
    ]


def test_allowed_prefix(con, landing, reference_data):
    rows = valid_rows("mandatory_training")
    rows[1]["competence_code"] = "local_sepsis"
    rows[2]["competence_code"] = "CSTF_JUGGLING"
    load_rows(con, landing, "mandatory_training", rows)
    assert quarantine(con) == [(f"mandatory_training_{STAMP}.csv", 3, "competence_code",
                                "not_allowed", "CSTF_JUGGLING")]
    assert con.execute("SELECT competence_code FROM raw.mandatory_training ORDER BY 1"
                       ).fetchall() == [("CSTF_FIRE",), ("LOCAL_sepsis",)]


def test_pattern_must_match_in_full(con, landing, reference_data):
    load_rows(con, landing, "incidents", incidents(
        r0={"specialty_code": "30"}, r1={"specialty_code": "3001"},
        r2={"patient_ethnic_group": "a"}))
    assert quarantine(con) == [
        (INC, 1, "specialty_code", "pattern_mismatch", "30"),
        (INC, 2, "specialty_code", "pattern_mismatch", "3001"),
        (INC, 3, "patient_ethnic_group", "pattern_mismatch", "a"),
    ]


def test_unknown_csu_site_and_ward(con, landing, reference_data):
    load_rows(con, landing, "incidents", incidents(
        r0={"csu_code": "CSU_NOPE"}, r2={"site_code": "SITE9", "location_code": "WARD9"}))
    assert quarantine(con) == [
        (INC, 1, "csu_code", "reference_not_found", "CSU_NOPE"),
        (INC, 3, "location_code", "reference_not_found", "WARD9"),
        (INC, 3, "site_code", "reference_not_found", "SITE9"),
    ]


def test_fft_ward_code_references_location_code(con, landing, reference_data):
    rows = valid_rows("fft_responses")
    rows[0]["ward_code"] = "WARDX"
    load_rows(con, landing, "fft_responses", rows)
    assert quarantine(con) == [
        (f"fft_responses_{STAMP}.csv", 1, "ward_code", "reference_not_found", "WARDX")]


FFT = f"fft_responses_{STAMP}.csv"


def test_negative_counts(con, landing, reference_data):
    rows = valid_rows("fft_responses")
    rows[0].update(poor=-1, total_responses=16)
    load_rows(con, landing, "fft_responses", rows)
    # -1 is not a count; the sum rule is not judged on a value that failed its own check.
    assert quarantine(con) == [(FFT, 1, "poor", "below_min", "-1")]


def test_fft_totals_that_do_not_add_up(con, landing, reference_data):
    rows = valid_rows("fft_responses")
    rows[0]["total_responses"] = 17
    rows[1]["total_eligible"] = 30  # fewer eligible than responses (35)
    f = load_rows(con, landing, "fft_responses", rows)
    assert (f.rows_in, f.rows_loaded, f.rows_quarantined) == (2, 0, 2)
    assert quarantine(con) == [
        (FFT, 1, "total_responses", "total_is_sum_of_answers", "17"),
        (FFT, 2, "total_eligible", "eligible_not_below_responses", "30"),
    ]


def test_duplicate_keys_quarantine_every_row_sharing_the_key(con, landing, reference_data):
    rows = valid_rows("fft_responses")
    twin = dict(rows[0], very_good=9, total_responses=17)
    rows.append(twin)
    f = load_rows(con, landing, "fft_responses", rows)
    assert (f.rows_in, f.rows_loaded, f.rows_quarantined) == (3, 1, 2)
    key = "period,site_code,ward_code,setting"
    assert quarantine(con) == [
        (FFT, 1, key, "duplicate_key", "2025-01|SITE1|WARD1|inpatient"),
        (FFT, 3, key, "duplicate_key", "2025-01|SITE1|WARD1|inpatient"),
    ]


def test_duplicate_key_compares_normalised_values(con, landing, reference_data):
    rows = valid_rows("mandatory_training")
    rows.append(dict(rows[0], snapshot_date="31/01/2025", person_key=" P0001 "))
    load_rows(con, landing, "mandatory_training", rows)
    key = "snapshot_date,person_key,competence_code"
    assert quarantine(con) == [
        (f"mandatory_training_{STAMP}.csv", 1, key, "duplicate_key", "2025-01-31|P0001|CSTF_FIRE"),
        (f"mandatory_training_{STAMP}.csv", 4, key, "duplicate_key", "2025-01-31|P0001|CSTF_FIRE"),
    ]


def test_huge_numeric_value(con, landing, reference_data):
    rows = valid_rows("fft_responses")
    rows[0].update(very_good=99999999999999999999999999, total_eligible=123456789012)
    load_rows(con, landing, "fft_responses", rows)
    assert quarantine(con) == [
        (FFT, 1, "total_eligible", "above_max", "123456789012"),
        (FFT, 1, "very_good", "above_max", "99999999999999999999999999"),
    ]


def test_integers_reject_fractions_and_text(con, landing, reference_data):
    rows = valid_rows("fft_responses")
    rows[0]["very_good"] = "1.5"
    rows[1]["good"] = "ten"
    load_rows(con, landing, "fft_responses", rows)
    assert quarantine(con) == [
        (FFT, 1, "very_good", "invalid_int", "1.5"),
        (FFT, 2, "good", "invalid_int", "ten"),
    ]


def test_whole_number_written_as_decimal_is_an_int(con, landing, reference_data):
    rows = valid_rows("fft_responses")
    rows[0]["very_good"] = "10.0"
    f = load_rows(con, landing, "fft_responses", rows)
    assert f.rows_quarantined == 0


def test_decimals(con, landing, reference_data):
    rows = valid_rows("staff_survey_scores")
    rows[0]["score"] = "10.5"
    rows[1]["score"] = "NaN"
    rows.append(dict(rows[0], theme_code="PP2", score="6,5"))
    rows.append(dict(rows[0], theme_code="PP3", score=".5", benchmark_best="1e1"))
    load_rows(con, landing, "staff_survey_scores", rows)
    name = f"staff_survey_scores_{STAMP}.csv"
    assert quarantine(con) == [
        (name, 1, "score", "above_max", "10.5"),
        (name, 2, "score", "invalid_decimal", "NaN"),
        (name, 3, "score", "invalid_decimal", "6,5"),
    ]
    assert con.execute("SELECT score, benchmark_best FROM raw.staff_survey_scores").fetchall() \
        == [(0.5, 10.0)]


@pytest.mark.parametrize("value", ["=HYPERLINK(\"http://x\",\"click\")", "+cmd", "-2+3", "@SUM(A1)",
                                   "  =1+1"])
def test_formula_like_text(con, landing, reference_data, value):
    load_rows(con, landing, "incidents", incidents(r0={"subcategory": value}))
    assert quarantine(con) == [(INC, 1, "subcategory", "formula_like_text", value)]


def test_negative_numbers_are_not_formulas(con, landing, reference_data):
    f = load_rows(con, landing, "waste_savings", valid_rows("waste_savings"))
    assert f.rows_quarantined == 0  # WS002 actual_gbp is -1000


def test_waste_actual_below_minus_plan(con, landing, reference_data):
    rows = valid_rows("waste_savings")
    rows[1]["actual_gbp"] = -5000.01  # plan is 5000
    load_rows(con, landing, "waste_savings", rows)
    assert quarantine(con) == [(f"waste_savings_{STAMP}.csv", 2, "actual_gbp",
                                "actual_not_below_minus_plan", "-5000.01")]


def test_scheme_not_in_waste_schemes(con, landing, reference_data):
    rows = valid_rows("waste_savings")
    rows[0]["scheme_id"] = "WS999"
    load_rows(con, landing, "waste_savings", rows)
    assert quarantine(con) == [(f"waste_savings_{STAMP}.csv", 1, "scheme_id",
                                "reference_not_found", "WS999")]


def test_month_and_quarter_patterns(con, landing, reference_data):
    rows = valid_rows("pulse_survey")
    rows[0]["quarter"] = "2025-Q5"
    rows[1]["item"] = 10
    load_rows(con, landing, "pulse_survey", rows)
    assert quarantine(con) == [
        (f"pulse_survey_{STAMP}.csv", 1, "quarter", "pattern_mismatch", "2025-Q5"),
        (f"pulse_survey_{STAMP}.csv", 2, "item", "above_max", "10"),
    ]


def test_several_failures_in_one_row_count_the_row_once(con, landing, reference_data):
    f = load_rows(con, landing, "incidents", incidents(
        r1={"status": "lost", "is_never_event": "?", "patient_imd_decile": 0}))
    assert (f.rows_in, f.rows_loaded, f.rows_quarantined) == (3, 2, 1)
    assert quarantine(con) == [
        (INC, 2, "is_never_event", "invalid_bool", "?"),
        (INC, 2, "patient_imd_decile", "below_min", "0"),
        (INC, 2, "status", "not_allowed", "lost"),
    ]


def test_timestamps(con, landing, reference_data):
    load_rows(con, landing, "incidents", incidents(
        r0={"last_modified": "31/01/2025 10:15"}, r1={"last_modified": "2025-01-25T09:30:00Z"},
        r2={"last_modified": "25:99"}))
    assert quarantine(con) == [(INC, 3, "last_modified", "invalid_timestamp", "25:99")]


def test_rule_names_are_documented_and_distinct_from_contract_rules():
    from dagster_project.ingest import validate

    for rule in validate.RULES:
        assert f"  {rule} " in validate.__doc__
    rules = {r.name for c in CONTRACTS_BY_NAME.values() for r in c.rules}
    assert not rules & set(validate.RULES)


def test_a_row_rule_is_not_judged_on_a_cell_that_failed_its_own_check(con, landing,
                                                                        reference_data):
    rows = valid_rows("activity")
    rows[0]["ae_attendances"] = -3  # below_min; the 4-hour rule would also fail on it
    rows[1]["ae_within_4h"] = 5  # 5 within 4 hours of 0 attendances: the rule fails
    load_rows(con, landing, "activity", rows)
    assert quarantine(con) == [
        (f"activity_{STAMP}.csv", 1, "ae_attendances", "below_min", "-3"),
        (f"activity_{STAMP}.csv", 2, "ae_within_4h", "ae_within_4h_le_attendances", "5"),
    ]


# --- code columns: no key separator, no control characters (issue 12) -------------------------

def test_a_code_with_the_key_separator_is_quarantined(con, landing, reference_data):
    f = load_rows(con, landing, "incidents", incidents(
        r0={"incident_id": "INC|001"}, r1={"lfpse_ref": "LFPSE|9"}))
    assert (f.rows_in, f.rows_loaded, f.rows_quarantined) == (3, 1, 2)
    assert quarantine(con) == [(INC, 1, "incident_id", "pattern_mismatch", "INC|001"),
                               (INC, 2, "lfpse_ref", "pattern_mismatch", "LFPSE|9")]


def test_a_csu_code_with_the_key_separator_is_quarantined_in_the_reference_too(con, landing):
    rows = valid_rows("org_structure")
    rows[1]["csu_code"] = "CSU|SURG"
    f = load_rows(con, landing, "org_structure", rows)
    assert (f.rows_in, f.rows_loaded, f.rows_quarantined) == (3, 2, 1)
    assert quarantine(con) == [
        (f"org_structure_{STAMP}.csv", 2, "csu_code", "pattern_mismatch", "CSU|SURG")]


@pytest.mark.parametrize(("extract", "column", "value"), [
    ("mandatory_training", "person_key", "P\x070001"),
    ("mandatory_training", "competence_code", "LOCAL_A|B"),
    ("waste_schemes", "scheme_id", "WS\x1b001"),
    ("activity", "csu_code", "CSU_MED|X"),
    ("staff_survey_scores", "breakdown_code", "CSU_MED|CSU_SURG"),
    ("improvement_training", "staff_group", "nurse\x7f"),
])
def test_code_columns_reject_separators_and_control_characters(con, landing, reference_data,
                                                               extract, column, value):
    rows = valid_rows(extract)
    rows[0][column] = value
    f = load_rows(con, landing, extract, rows)
    assert f.rows_quarantined == 1
    assert (f"{extract}_{STAMP}.csv", 1, column, "pattern_mismatch", value) in quarantine(con)
