"""Files big enough for DuckDB to read in parallel, and to be hashed and checked a chunk at a
time: row numbers still follow the file, bad rows far down are found with their values, and a
quiet night reads none of the files it already knows."""

from __future__ import annotations

from dagster_project.ingest import load as load_module
from dagster_project.ingest import reader

from .ingest_helpers import load, load_log, quarantine

ROWS = 400_000  # ~45 MB: several of DuckDB's parallel CSV buffers
HEADER = ("snapshot_date,person_key,csu_code,staff_group,competence_code,competence_name,"
          "required,status,achieved_date,expiry_date\n")
LINE = ("2025-01-31,P{n:08d},CSU_MED,nursing_midwifery_registered,CSTF_FIRE,"
        "NHS|CSTF|Fire Safety - 2 Years|,Y,compliant,2024-06-01,2026-06-01\n")
BAD = {7: ("status", "lapsed"), 391_234: ("staff_group", "wizards")}


def big_snapshot(landing, name="mandatory_training_20250131.csv", tail=""):
    lines = [HEADER]
    for n in range(1, ROWS + 1):
        line = LINE.format(n=n)
        if n in BAD:
            column, value = BAD[n]
            line = line.replace("compliant" if column == "status"
                                else "nursing_midwifery_registered", value)
        lines.append(line)
    return landing.write_text("mandatory_training", name, "".join(lines) + tail)


def test_row_numbers_follow_the_file_in_a_parallel_read(con, landing, reference_data,
                                                        monkeypatch):
    monkeypatch.setattr(reader, "CHUNK", 1 << 20)  # many chunks through the streaming checks
    path = big_snapshot(landing)
    result = load(con, landing, "mandatory_training")
    assert (result.rows_in, result.rows_loaded, result.rows_quarantined) == (ROWS, ROWS - 2, 2)
    mismatched = con.execute(
        "SELECT count(*) FROM raw.mandatory_training "
        "WHERE _row_number <> CAST(substr(person_key, 2) AS BIGINT)").fetchall()[0][0]
    assert mismatched == 0
    assert quarantine(con, "mandatory_training") == [
        (path.name, 7, "status", "not_allowed", "lapsed"),
        (path.name, 391_234, "staff_group", "not_allowed", "wizards")]


def test_a_windows_1252_byte_far_down_is_converted(con, landing, reference_data, monkeypatch):
    monkeypatch.setattr(reader, "CHUNK", 1 << 20)
    big_snapshot(landing, tail=LINE.format(n=ROWS + 1).replace("Fire Safety", "Fire Safety \x96"
                                                               ))
    path = landing.path("mandatory_training", "mandatory_training_20250131.csv")
    path.write_bytes(path.read_bytes().replace("\x96".encode(), b"\x96"))
    result = load(con, landing, "mandatory_training")
    assert result.rows_in == ROWS + 1, result.markdown()
    assert "read as Windows-1252" in load_log(con, "mandatory_training")[0][5]
    name = con.execute("SELECT competence_name FROM raw.mandatory_training "
                       "WHERE _row_number = ?", [ROWS + 1]).fetchall()[0][0]
    assert name == "NHS|CSTF|Fire Safety \u2013 - 2 Years|"


def test_a_quiet_night_reads_no_bytes_of_known_files(con, landing, reference_data, monkeypatch):
    big_snapshot(landing)
    load(con, landing, "mandatory_training")
    hashed = []
    monkeypatch.setattr(load_module, "inspect_csv",
                        lambda path: hashed.append(path.name) or reader.inspect_csv(path))
    again = load(con, landing, "mandatory_training")
    assert again.unchanged == ["mandatory_training_20250131.csv"] and hashed == []
    # touched (a new modification time): hashed again, recognised as the same bytes
    path = landing.path("mandatory_training", "mandatory_training_20250131.csv")
    path.touch()
    again = load(con, landing, "mandatory_training")
    assert again.unchanged == ["mandatory_training_20250131.csv"]
    assert hashed == ["mandatory_training_20250131.csv"]
