"""Every kind of hostile file in the landing folder at once: each gets its exact load-log row, and
everything else still loads (a Dagster materialisation of the ingest assets) and is published (a
full nightly run on the tiny synthetic trust)."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import socket
import stat

import dagster as dg
import duckdb
import pytest

from dagster_project.contracts import CONTRACTS, CONTRACTS_BY_NAME
from dagster_project.ingest import landing as landing_module
from dagster_project.ingest.assets import ingest_assets
from dagster_project.resources import WarehouseResource

from .ingest_helpers import Landing, csv_text, valid_rows

INCIDENTS = list(CONTRACTS_BY_NAME["incidents"].column_names)
PERSON = "9434765919,Jane Doe,1961-04-03"  # must never reach a message


def _text(rows=None) -> str:
    return csv_text(valid_rows("incidents") if rows is None else rows, INCIDENTS)


def _lines(text: str, ending: str) -> str:
    return text.replace("\n", ending)


def _mixed(text: str) -> str:
    return "".join(line + ("\r\n" if i % 2 else "\n")
                   for i, line in enumerate(text.splitlines()))


def _unreadable_open(name: str):
    real = os.open

    def wrapper(path, *args, **kwargs):
        if os.path.basename(str(path)) == name:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
        return real(path, *args, **kwargs)
    return wrapper


def plant_hostile_incidents(folder, outside) -> dict[str, tuple[str, str]]:
    """Write every kind of hostile entry into the incidents folder; return, per load-log
    file_name, the expected (status, message) (messages ending in `...` are prefixes)."""
    def write(name: str, data: bytes | str) -> str:
        (folder / name).write_bytes(data.encode() if isinstance(data, str) else data)
        return name

    ten_mb = valid_rows("incidents")
    ten_mb[1]["subcategory"] = "x" * 10_000_000
    long_line = len(_text(ten_mb).split("\n")[2].encode())
    no_break = ",".join(INCIDENTS)
    pattern_rows = valid_rows("incidents")
    pattern_rows[0]["incident_id"] = "INC|001"
    mismatch = write("incidents_20250214.csv", _text())
    write(mismatch + ".ctl", f"rows=3\nsha256={'0' * 64}\n")
    (folder / "incidents_20250201.csv").symlink_to("/etc/passwd")
    (folder / "incidents_20250202.csv").symlink_to(outside)
    os.mkfifo(folder / "incidents_20250203.csv")
    (folder / "incidents_20250204.csv").mkdir()
    os.mknod(folder / "incidents_20250217.csv", 0o600 | stat.S_IFCHR, os.makedev(1, 3))
    sock, cwd = socket.socket(socket.AF_UNIX), os.getcwd()
    os.chdir(folder)  # a socket's path is limited to 108 bytes: bind the bare name
    try:
        sock.bind("incidents_20250218.csv")
    finally:
        os.chdir(cwd)
        sock.close()
    write("incidents_20250205_2.csv", _text(valid_rows("incidents")[:1]))  # superseded
    write("incidents_20250205_[v2].csv", _text(valid_rows("incidents")[1:]))
    write("incidents_20250206_\x1b[2J.csv", _text())
    write(os.fsdecode(b"incidents_20250206_\xff.csv"), _text())
    write("incidents_20621031.csv", _text())
    write("incidents_20250207.csv", _lines(_text(), "\r"))
    write("incidents_20250208.csv", _mixed(_text()))
    write("incidents_20250209.csv", _text(ten_mb))
    write("incidents_20250210.csv", no_break)
    write("incidents_20250211.csv", bytes(range(256)) * 8)
    write("incidents_20250212.csv", _text().encode().replace(b"fall", b"f\x81ll"))
    write("incidents_20250213.csv", f"{PERSON}\n{PERSON}\n")
    write("incidents_20250215.csv", _text())  # made unreadable by the caller
    write("incidents_20250216.csv", _text(pattern_rows))
    write("incidents_20250219.csv", _text().encode("utf-16"))
    write("incidents_20250220.csv", b"")
    write("incidents_20250221.csv", _text()[:-40])  # cut off mid-row
    not_regular = "rejected: not a regular file: "
    offset = _text().encode().index(b"fall")
    return {
        "incidents_20250201.csv": ("rejected", f"{not_regular}a symbolic link, never followed"),
        "incidents_20250202.csv": ("rejected", f"{not_regular}a symbolic link, never followed"),
        "incidents_20250203.csv": ("rejected", f"{not_regular}a FIFO (named pipe), never read"),
        "incidents_20250204.csv": ("rejected", f"{not_regular}a folder"),
        "incidents_20250217.csv": ("rejected", f"{not_regular}a device, never read"),
        "incidents_20250218.csv": ("rejected", f"{not_regular}a socket, never read"),
        "incidents_20250205_[v2].csv": ("loaded", "loaded 2 of 2 rows"),
        "incidents_20250206_\\x1b[2J.csv": ("rejected",
                                            "rejected: the file name contains control characters"),
        "incidents_20250206_\\xff.csv": ("rejected", "rejected: the file name is not valid UTF-8"),
        "incidents_20621031.csv": ("rejected", "rejected: the extract date in the name, "
                                               "2062-10-31, is later than tomorrow (...)"),
        "incidents_20250207.csv": ("loaded", "loaded 3 of 3 rows; CR line endings converted "
                                             "to LF"),
        "incidents_20250208.csv": ("loaded", "loaded 3 of 3 rows; mixed CRLF/LF line endings "
                                             "converted to LF"),
        "incidents_20250209.csv": ("rejected", f"rejected: line 3 is {long_line:,} bytes long, "
                                               "over the 2,000,000-byte limit of a line (not a "
                                               "CSV of the expected shape)"),
        "incidents_20250210.csv": ("rejected", f"rejected: no line break in the file "
                                               f"({len(no_break):,} bytes): a header cut off "
                                               "before its end, or not a line-based CSV (an "
                                               "empty delivery is a header line ending in a "
                                               "line break)"),
        "incidents_20250211.csv": ("rejected", "rejected: binary content (NUL bytes): not a CSV "
                                               "text file"),
        "incidents_20250212.csv": ("rejected", "rejected: undecodable: neither UTF-8 nor "
                                               f"Windows-1252 (byte 0x81 at offset {offset + 1})"),
        "incidents_20250213.csv": ("rejected", "rejected: no expected column in line 1 (the "
                                               "header; 3 fields); missing header row or wrong "
                                               "file?"),
        "incidents_20250214.csv": ("rejected", "rejected: sha256 does not match control file "
                                               "incidents_20250214.csv.ctl (the file is "
                                               "incomplete or was changed in transit)"),
        "incidents_20250215.csv": ("rejected", "rejected: cannot be read: permission denied "
                                               "(EACCES)"),
        "incidents_20250216.csv": ("loaded", "loaded 2 of 3 rows; 1 quarantined "
                                             "(pattern_mismatch: 1)"),
        "incidents_20250219.csv": ("rejected", "rejected: UTF-16 encoded; expected UTF-8 text"),
        "incidents_20250220.csv": ("rejected", "rejected: empty file (0 bytes)"),
        "incidents_20250221.csv": ("rejected", "rejected: truncated: the last line (line 4) has "
                                               "15 of the header's 24 fields (the file was cut "
                                               "off mid-row)"),
    }


def assert_decisions(con, expected: dict[str, tuple[str, str]]) -> None:
    rows = con.execute("SELECT file_name, status, message FROM raw.load_log "
                       "WHERE extract = 'incidents'").fetchall()
    got = {name: (status, message) for name, status, message in rows}
    assert sorted(got) == sorted(expected)
    for name, (status, message) in expected.items():
        got_status, got_message = got[name]
        assert got_status == status, (name, got_message)
        if status == "loaded":
            assert got_message == message, name
        elif message.endswith("(...)"):
            assert got_message.startswith(f"{name} {message[:-5]}"), got_message
        else:
            assert got_message == f"{name} {message}", got_message
    every = con.execute("SELECT message FROM raw.load_log").fetchall()
    assert all(len(m) <= 300 for (m,) in every)
    for leak in ("root:", "Jane", "9434765919", "xxxxxxxxxx", "\x1b", "\n"):
        assert not any(leak in m for (m,) in every), leak


@pytest.fixture
def hostile_landing(tmp_path, monkeypatch):
    landing = Landing(tmp_path / "landing")
    for contract in CONTRACTS:
        landing.write_rows(contract.name)
    outside = tmp_path / "outside.csv"
    outside.write_text(_text())
    expected = plant_hostile_incidents(landing.dir / "incidents", outside)
    expected["incidents_20250131.csv"] = ("loaded", "loaded 3 of 3 rows")
    # the activity folder: a folder named like its extract's file, and a truncated file
    landing.path("activity", "activity_20250201.csv").mkdir()
    landing.write_text("activity", "activity_20250202.csv", "month,csu_code\n2025-01")
    monkeypatch.setattr(landing_module.os, "open", _unreadable_open("incidents_20250215.csv"))
    monkeypatch.setenv("LANDING_DIR", str(landing.dir))
    monkeypatch.setenv("FILE_STABLE_SECONDS", "0")
    return landing, expected


def test_every_hostile_file_at_once_and_every_other_file_loads(hostile_landing, tmp_path):
    landing, expected = hostile_landing
    warehouse = tmp_path / "dagster.duckdb"
    result = dg.materialize(ingest_assets,
                            resources={"warehouse": WarehouseResource(path=str(warehouse))})
    assert result.success
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert_decisions(con, expected)
        # every other extract's file loaded in full
        loaded = dict(con.execute(
            "SELECT extract, sum(rows_loaded) FROM raw.load_log WHERE status = 'loaded' "
            "GROUP BY extract").fetchall())
        assert {c.name: loaded.get(c.name) for c in CONTRACTS if c.name != "incidents"} == {
            c.name: len(valid_rows(c.name)) for c in CONTRACTS if c.name != "incidents"}
        assert con.execute("SELECT file_name, status FROM raw.load_log "
                           "WHERE extract = 'activity' ORDER BY file_name").fetchall() == [
            ("activity_20250131.csv", "loaded"), ("activity_20250201.csv", "rejected"),
            ("activity_20250202.csv", "rejected")]
        # the glob-named file's own rows, and the separator row quarantined
        glob_name = "incidents_20250205_[v2].csv"
        own = hashlib.sha256((landing.dir / "incidents" / glob_name).read_bytes()).hexdigest()
        assert con.execute("SELECT incident_id, _content_hash FROM raw.incidents "
                           "WHERE _file_name = ? ORDER BY 1", [glob_name]).fetchall() == [
            ("INC002", own), ("INC003", own)]
        assert con.execute("SELECT file_name, row_number, column_name, rule, value "
                           "FROM raw.quarantine").fetchall() == [
            ("incidents_20250216.csv", 1, "incident_id", "pattern_mismatch", "INC|001")]
    finally:
        con.close()


@pytest.mark.integration
def test_a_night_with_hostile_files_still_publishes_everything_else(tmp_path, monkeypatch,
                                                                   tiny_trust_landing):
    from ..conftest import make_env, run_nightly

    env = make_env(tmp_path / "night")
    shutil.copytree(tiny_trust_landing, env.landing)
    generated = sorted(p.name for p in env.landing.glob("*/*.csv"))
    outside = tmp_path / "outside.csv"
    outside.write_text(_text())
    expected = plant_hostile_incidents(env.landing / "incidents", outside)
    monkeypatch.setattr(landing_module.os, "open", _unreadable_open("incidents_20250215.csv"))
    result = run_nightly(env, raise_on_error=False)
    failures = [e.event_specific_data for e in result.all_events if e.is_step_failure]
    assert result.success, failures
    con = duckdb.connect(str(env.warehouse), read_only=True)
    try:
        decided = dict(con.execute("SELECT file_name, status FROM raw.load_log").fetchall())
        assert {name: decided.get(name) for name in generated} == {
            name: "loaded" for name in generated}
        for name, (status, _) in expected.items():
            assert decided[name] == status, name
        tables = {r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'published'").fetchall()}
        assert {"scorecard_monthly", "spc_points", "spc_summary", "data_quality"} <= tables
        rejected = con.execute("SELECT files_rejected FROM published.data_quality "
                               "WHERE extract = 'incidents'").fetchone()[0]
        assert rejected == sum(status == "rejected" for status, _ in expected.values())
    finally:
        con.close()
    assert (env.report / "index.html").exists()
    assert any((env.publish / "current").glob("spc_summary/*.parquet"))
