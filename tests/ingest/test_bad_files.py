"""Files that cannot be read as a whole are rejected with one message naming the file and the
problem, and leave earlier data untouched; files with tolerable oddities are loaded with a note."""

import pytest

from dagster_project.ingest import ensure_tables

from .ingest_helpers import (
    CONTRACTS_BY_NAME, assert_accounting, csv_text, load, load_log, quarantine, snapshot,
    valid_rows,
)

INCIDENTS = list(CONTRACTS_BY_NAME["incidents"].column_names)
FILE = "incidents_20250131.csv"


def only_file(result):
    assert len(result.files) == 1
    return result.files[0]


def assert_rejected(con, landing, text_or_bytes, message, extract="incidents", name=FILE):
    if isinstance(text_or_bytes, str):
        landing.write_text(extract, name, text_or_bytes)
    else:
        landing.write_bytes(extract, name, text_or_bytes)
    ensure_tables(con, CONTRACTS_BY_NAME[extract])  # so only the decision itself can differ
    before = snapshot(con)
    f = only_file(load(con, landing, extract))
    assert (f.status, f.rows_in, f.rows_loaded, f.rows_quarantined) == ("rejected", 0, 0, 0)
    assert f.message == message
    after = snapshot(con)
    after.pop("load_log")
    before.pop("load_log", None)
    assert after == before  # nothing but the load log changed
    assert load_log(con, extract)[-1] == (name, "rejected", 0, 0, 0, message)
    return f


def test_missing_required_column(con, landing, reference_data):
    cols = [c for c in INCIDENTS if c != "status"]
    assert_rejected(con, landing, csv_text(valid_rows("incidents"), cols),
                    f"{FILE} rejected: missing required column(s): status")


def test_renamed_header_names_the_missing_and_the_unknown_column(con, landing, reference_data):
    text = csv_text(valid_rows("incidents"), INCIDENTS).replace("incident_id,", "incident_ref,", 1)
    assert_rejected(con, landing, text,
                    f"{FILE} rejected: missing required column(s): incident_id; unknown "
                    "column(s) in the header: incident_ref (renamed?)")


def test_wrong_delimiter(con, landing, reference_data):
    text = csv_text(valid_rows("incidents"), INCIDENTS).replace(",", ";")
    assert_rejected(con, landing, text,
                    f"{FILE} rejected: not comma-separated: line 1 (the header) is a single "
                    "column (the delimiter looks like ';')")


def test_empty_file(con, landing, reference_data):
    assert_rejected(con, landing, b"", f"{FILE} rejected: empty file (0 bytes)")


def test_blank_file(con, landing, reference_data):
    assert_rejected(con, landing, "\r\n  \n", f"{FILE} rejected: empty file (no header row)")


def test_truncated_last_line(con, landing, reference_data):
    text = csv_text(valid_rows("incidents"), INCIDENTS)
    cut = text[: text.rindex("\n", 0, len(text) - 1) + 30]  # the last row stops mid-row
    assert_rejected(con, landing, cut,
                    f"{FILE} rejected: truncated: the last line (line 4) has 6 of the header's "
                    "24 fields (the file was cut off mid-row)")


def test_truncated_inside_a_quoted_value(con, landing, reference_data):
    text = csv_text(valid_rows("incidents"), INCIDENTS) + 'INC004,"LFPSE-'
    assert_rejected(con, landing, text,
                    f"{FILE} rejected: truncated: unterminated quoted value on the last line "
                    "(line 5); the file was cut off mid-row")


def test_ragged_row_in_the_middle(con, landing, reference_data):
    lines = csv_text(valid_rows("incidents"), INCIDENTS).splitlines()
    lines[2] += ",extra"
    assert_rejected(con, landing, "\n".join(lines) + "\n",
                    f"{FILE} rejected: line 3 has 25 fields, the header has 24 "
                    "(an unquoted comma in a value?)")


@pytest.mark.parametrize(("garbage", "what"), [
    (bytes(range(256)) * 8, "NUL bytes"),
    (bytes(range(1, 256)) * 8, "control bytes"),
])
def test_binary_garbage_is_not_a_csv(con, landing, reference_data, garbage, what):
    assert_rejected(con, landing, garbage,
                    f"{FILE} rejected: binary content ({what}): not a CSV text file")


def test_a_workbook_saved_as_csv_is_not_a_csv(con, landing, reference_data):
    import openpyxl

    path = landing.path("incidents", "book.xlsx")
    openpyxl.Workbook().save(path)
    assert_rejected(con, landing, path.read_bytes(),
                    f"{FILE} rejected: binary content (NUL bytes): not a CSV text file")
    path.unlink()


def test_utf16_is_rejected(con, landing, reference_data):
    data = csv_text(valid_rows("incidents"), INCIDENTS).encode("utf-16")
    assert_rejected(con, landing, data, f"{FILE} rejected: UTF-16 encoded; expected UTF-8 text")


def test_undecodable_bytes(con, landing, reference_data):
    # 0x81 is undefined in Windows-1252 and invalid UTF-8 on its own.
    data = csv_text(valid_rows("incidents"), INCIDENTS).encode().replace(b"fall", b"f\x81ll")
    offset = data.index(b"\x81")
    assert_rejected(con, landing, data,
                    f"{FILE} rejected: undecodable: neither UTF-8 nor Windows-1252 "
                    f"(byte 0x81 at offset {offset})")


def test_header_row_missing(con, landing, reference_data):
    text = csv_text(valid_rows("incidents"), INCIDENTS).split("\n", 1)[1]
    assert_rejected(con, landing, text,
                    f"{FILE} rejected: no expected column in line 1 (the header; 24 fields); "
                    "missing header row or wrong file?")


def test_column_named_twice(con, landing, reference_data):
    text = csv_text(valid_rows("incidents"), INCIDENTS + ["STATUS"])
    assert_rejected(con, landing, text,
                    f"{FILE} rejected: column 'status' appears twice in the header")


def test_unreadable_parquet(con, landing, reference_data):
    landing.write_bytes("incidents", "incidents_20250131.parquet", b"PAR1 not really parquet")
    f = only_file(load(con, landing, "incidents"))
    assert f.status == "rejected"
    assert f.message.startswith(
        "incidents_20250131.parquet rejected: not a readable Parquet file (")


def test_rejected_file_leaves_earlier_data_byte_for_byte_unchanged(con, landing, reference_data):
    landing.write_rows("incidents")
    assert only_file(load(con, landing, "incidents")).status == "loaded"
    before = snapshot(con)
    # A correction for the same date that is broken: the original's rows must stay.
    landing.write_text("incidents", "incidents_20250131_v2.csv", "incident_id;status\nX;open\n")
    f = only_file(load(con, landing, "incidents"))
    assert f.status == "rejected"
    after = snapshot(con)
    assert len(after.pop("load_log")) == len(before.pop("load_log")) + 1
    assert after == before
    assert con.execute("SELECT count(*) FROM raw.incidents").fetchone()[0] == 3


# --- oddities that are tolerated ----------------------------------------------------------

def test_extra_column_is_warned_about_and_dropped(con, landing, reference_data):
    rows = valid_rows("incidents")
    for r in rows:
        r["comments"] = "free text"
    landing.write_text("incidents", FILE, csv_text(rows, INCIDENTS + ["comments"]))
    f = only_file(load(con, landing, "incidents"))
    assert (f.status, f.rows_in, f.rows_loaded, f.rows_quarantined) == ("loaded", 3, 3, 0)
    assert f.message == "loaded 3 of 3 rows; unknown column(s) dropped: comments"
    cols = [r[0] for r in con.execute("DESCRIBE raw.incidents").fetchall()]
    assert "comments" not in cols


def test_header_names_match_case_insensitively_ignoring_spaces(con, landing, reference_data):
    header = [f"  {c.upper()} " for c in INCIDENTS]
    body = csv_text(valid_rows("incidents"), INCIDENTS).split("\n", 1)[1]
    landing.write_text("incidents", FILE, ",".join(header) + "\n" + body)
    f = only_file(load(con, landing, "incidents"))
    assert (f.status, f.rows_loaded) == ("loaded", 3)


def test_missing_optional_column_loads_as_null(con, landing, reference_data):
    cols = [c for c in INCIDENTS if c != "lfpse_ref"]
    landing.write_text("incidents", FILE, csv_text(valid_rows("incidents"), cols))
    f = only_file(load(con, landing, "incidents"))
    assert (f.status, f.rows_loaded) == ("loaded", 3)
    assert con.execute("SELECT count(lfpse_ref) FROM raw.incidents").fetchone()[0] == 0


def test_utf8_bom_is_stripped(con, landing, reference_data):
    landing.write_bytes("incidents", FILE,
                        b"\xef\xbb\xbf" + csv_text(valid_rows("incidents"), INCIDENTS).encode())
    f = only_file(load(con, landing, "incidents"))
    assert (f.status, f.rows_loaded) == ("loaded", 3)
    assert f.message == "loaded 3 of 3 rows; UTF-8 byte-order mark removed"
    assert con.execute("SELECT min(incident_id) FROM raw.incidents").fetchone()[0] == "INC001"


def test_windows_1252_is_converted_with_a_warning(con, landing, reference_data):
    rows = valid_rows("incidents")
    rows[0]["subcategory"] = "fall – café"  # en dash and é: both differ in Windows-1252
    data = csv_text(rows, INCIDENTS).encode("cp1252")
    landing.write_bytes("incidents", FILE, data)
    f = only_file(load(con, landing, "incidents"))
    assert (f.status, f.rows_loaded) == ("loaded", 3)
    offset = data.index(b"\x96")
    assert f.message == ("loaded 3 of 3 rows; not valid UTF-8 (byte 0x96 at offset "
                         f"{offset}): read as Windows-1252 and converted")
    assert con.execute("SELECT subcategory FROM raw.incidents WHERE incident_id = 'INC001'"
                       ).fetchone()[0] == "fall – café"


def test_header_only_is_a_valid_empty_delivery(con, landing, reference_data):
    landing.write_text("incidents", FILE, ",".join(INCIDENTS) + "\n")
    f = only_file(load(con, landing, "incidents"))
    assert (f.status, f.rows_in, f.rows_loaded, f.rows_quarantined) == ("loaded", 0, 0, 0)
    assert f.message == "loaded 0 of 0 rows"


def test_crlf_line_endings_and_quoted_commas(con, landing, reference_data):
    rows = valid_rows("incidents")
    rows[0]["subcategory"] = 'fall, "unwitnessed"'
    landing.write_text("incidents", FILE, csv_text(rows, INCIDENTS).replace("\n", "\r\n"))
    f = only_file(load(con, landing, "incidents"))
    assert (f.status, f.rows_loaded) == ("loaded", 3)
    assert con.execute("SELECT subcategory FROM raw.incidents WHERE _row_number = 1"
                       ).fetchone()[0] == 'fall, "unwitnessed"'
    assert quarantine(con) == []
    assert_accounting(con)


# --- line endings, over-long lines, no line break (issue 12) ----------------------------------

def test_old_mac_cr_only_line_endings_are_converted_and_loaded(con, landing, reference_data):
    text = csv_text(valid_rows("incidents"), INCIDENTS).replace("\n", "\r")
    landing.write_text("incidents", FILE, text)
    f = only_file(load(con, landing, "incidents"))
    assert (f.status, f.rows_in, f.rows_loaded, f.rows_quarantined) == ("loaded", 3, 3, 0)
    assert f.message == "loaded 3 of 3 rows; CR line endings converted to LF"
    assert con.execute("SELECT incident_id, last_modified::VARCHAR FROM raw.incidents "
                       "ORDER BY _row_number").fetchall()[2] == ("INC003", "2025-01-31 08:00:00")
    assert quarantine(con) == []


def test_mixed_crlf_and_lf_line_endings_are_converted_and_loaded(con, landing, reference_data):
    lines = csv_text(valid_rows("incidents"), INCIDENTS).splitlines()
    text = "".join(line + ("\r\n" if i % 2 else "\n") for i, line in enumerate(lines))
    landing.write_text("incidents", FILE, text)
    f = only_file(load(con, landing, "incidents"))
    assert (f.status, f.rows_loaded) == ("loaded", 3)
    assert f.message == "loaded 3 of 3 rows; mixed CRLF/LF line endings converted to LF"
    assert quarantine(con) == []
    assert_accounting(con)


@pytest.mark.parametrize("chunk", [1 << 24, 512])
def test_crlf_that_turns_to_lf_further_down_is_converted_and_loaded(con, landing, reference_data,
                                                                   monkeypatch, chunk):
    """Only the first chunk with a CR is counted: a change further down is caught by the
    chunks without CR, or by DuckDB failing on the file, and converted all the same."""
    from dagster_project.ingest import reader

    monkeypatch.setattr(reader, "CHUNK", chunk)
    rows = [dict(r) for r in valid_rows("incidents") * 4]
    for n, row in enumerate(rows):
        row["incident_id"] = f"INC{n:03d}"
    lines = csv_text(rows, INCIDENTS).splitlines()
    text = "".join(line + ("\r\n" if n < 4 or n % 3 else "\n") for n, line in enumerate(lines))
    landing.write_text("incidents", FILE, text)
    f = only_file(load(con, landing, "incidents"))
    assert (f.status, f.rows_loaded) == ("loaded", 12), f.message
    assert f.message == "loaded 12 of 12 rows; mixed CRLF/LF line endings converted to LF"


def test_lone_crs_and_lone_lfs_in_equal_number_are_converted_and_loaded(con, landing,
                                                                       reference_data):
    """As many CRs as LFs looks like CRLF from the counts alone: DuckDB's failure on it sends
    the file through the conversion after all."""
    lines = csv_text(valid_rows("incidents"), INCIDENTS).splitlines()
    text = "".join(line + end for line, end in zip(lines, ("\n", "\r", "\r\n", "\r\n")))
    assert text.count("\r") == text.count("\n")
    landing.write_text("incidents", FILE, text)
    f = only_file(load(con, landing, "incidents"))
    assert (f.status, f.rows_loaded) == ("loaded", 3), f.message
    assert f.message == "loaded 3 of 3 rows; mixed CRLF/LF line endings converted to LF"


def test_cr_only_windows_1252_gets_both_notes(con, landing, reference_data):
    rows = valid_rows("incidents")
    rows[0]["subcategory"] = "café"
    data = csv_text(rows, INCIDENTS).replace("\n", "\r").encode("cp1252")
    landing.write_bytes("incidents", FILE, data)
    f = only_file(load(con, landing, "incidents"))
    assert (f.status, f.rows_loaded) == ("loaded", 3)
    offset = data.index("é".encode("cp1252"))
    assert f.message == (f"loaded 3 of 3 rows; not valid UTF-8 (byte 0xe9 at offset "
                         f"{offset}): read as Windows-1252 and converted; "
                         "CR line endings converted to LF")


def test_a_10_mb_line_is_rejected_naming_the_line_and_its_length(con, landing, reference_data):
    rows = valid_rows("incidents")
    rows[1]["subcategory"] = "x" * 10_000_000
    text = csv_text(rows, INCIDENTS)
    length = len(text.split("\n")[2].encode())
    assert_rejected(con, landing, text,
                    f"{FILE} rejected: line 3 is {length:,} bytes long, over the 2,000,000-byte "
                    "limit of a line (not a CSV of the expected shape)")


def test_a_header_with_no_line_break_is_not_an_empty_delivery(con, landing, reference_data):
    text = ",".join(INCIDENTS)
    assert_rejected(con, landing, text,
                    f"{FILE} rejected: no line break in the file ({len(text):,} bytes): a header "
                    "cut off before its end, or not a line-based CSV (an empty delivery is a "
                    "header line ending in a line break)")


def test_a_long_file_with_no_line_break_gets_a_short_message(con, landing, reference_data):
    text = ",".join(INCIDENTS) + "," + ",".join(f"value{i}" for i in range(12_000))
    f = assert_rejected(con, landing, text,
                        f"{FILE} rejected: no line break in the file ({len(text):,} bytes): a "
                        "header cut off before its end, or not a line-based CSV (an empty "
                        "delivery is a header line ending in a line break)")
    assert len(f.message) <= 300


# --- messages never copy content (issue 12) ----------------------------------------------------

PERSON = "9434765919,Jane Doe,1961-04-03"  # an NHS-number-shaped id, a name, a birth date


@pytest.mark.parametrize("first_line", [PERSON, PERSON.replace(",", ";"),
                                        PERSON.replace(",", "")])
def test_a_file_without_its_header_never_puts_its_first_row_in_the_message(
        con, landing, reference_data, first_line):
    landing.write_text("incidents", FILE, first_line + "\n" + first_line + "\n")
    f = only_file(load(con, landing, "incidents"))
    assert f.status == "rejected"
    for part in ("9434765919", "Jane", "Doe", "1961"):
        assert part not in f.message
    assert all(part not in load_log(con, "incidents")[0][5] for part in ("Jane", "943476"))


def test_unknown_header_names_are_listed_short_and_capped(con, landing, reference_data):
    cols = [c for c in INCIDENTS if c != "status"] + [f"extra_{i}_" + "y" * 80 for i in range(9)]
    assert_rejected(con, landing, csv_text(valid_rows("incidents"), cols),
                    f"{FILE} rejected: missing required column(s): status; unknown column(s) in "
                    "the header: " + ", ".join(f"extra_{i}_" + "y" * 19 + "..." for i in range(4))
                    + " and 5 more (renamed?)")


def test_a_header_name_with_control_characters_is_escaped(con, landing, reference_data):
    cols = INCIDENTS + ["note\x1b[31m"]
    landing.write_text("incidents", FILE, csv_text(valid_rows("incidents"), cols))
    f = only_file(load(con, landing, "incidents"))
    assert f.message == "loaded 3 of 3 rows; unknown column(s) dropped: note\\x1b[31m"


def test_a_duckdb_error_never_quotes_the_line(con, landing, reference_data):
    from dagster_project.ingest.reader import csv_error_reason

    error = ("Invalid Input Error: CSV Error on Line: 7\nOriginal Line: 9434765919,Jane Doe\n"
             "Something 'Jane Doe' went wrong")
    assert csv_error_reason(error, 9) == (
        "not a readable CSV (Invalid Input Error: CSV Error on Line: 7)")
    assert "Jane" not in csv_error_reason("Could not read 'Jane Doe' at all", 9)


def test_a_loaded_file_with_many_problems_gets_a_capped_message(con, landing, reference_data):
    rows = valid_rows("incidents")
    rows[0].update(event_type="x", status="x", category="x", physical_harm="x",
                   psychological_harm="x", learning_response="x", is_never_event="x",
                   duty_of_candour="x", patient_imd_decile="x", incident_date="x",
                   reported_date="x", closed_date="x", last_modified="x",
                   patient_ethnic_group="x", specialty_code="x", is_patient_safety="x")
    cols = INCIDENTS + [f"unknown_column_{i}" for i in range(20)]
    first, second = (f"incidents_20250131_{c * 150}.csv" for c in "ab")  # a correction
    landing.write_text("incidents", first, csv_text(valid_rows("incidents"), INCIDENTS))
    load(con, landing, "incidents")
    landing.write_text("incidents", second, csv_text(rows, cols))
    f = only_file(load(con, landing, "incidents"))
    assert (f.status, f.rows_loaded, f.rows_quarantined) == ("loaded", 2, 1)
    assert len(f.message) == 300 and f.message.endswith("...")
    assert load_log(con, "incidents")[-1][5] == f.message
