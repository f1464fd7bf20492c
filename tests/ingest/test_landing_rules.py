"""Landing-folder rules: only regular files directly inside `<landing>/<extract>/` are read, opened
by the loader itself; links, FIFOs, devices and folders are refused; hostile names are refused or
read as the literal name they are; half-copied files wait; control files are verified."""

import errno
import hashlib
import os
from datetime import datetime

import pytest

from dagster_project.contracts import CONTRACTS_BY_NAME
from dagster_project.ingest import landing as landing_module
from dagster_project.ingest import load_extract
from dagster_project.settings import get_settings

from .ingest_helpers import (
    EXTRACT_DATE, assert_accounting, csv_text, load, load_log, quarantine, valid_rows,
)

INCIDENTS = list(CONTRACTS_BY_NAME["incidents"].column_names)
FILE = "incidents_20250131.csv"


def incidents_text(ids=("INC001", "INC002", "INC003")) -> str:
    return csv_text([r for r in valid_rows("incidents") if r["incident_id"] in ids], INCIDENTS)


def log_rows(con, extract="incidents"):
    """(file_name, status, content_hash is null, extract_date, message) in load order."""
    return con.execute(
        "SELECT file_name, status, content_hash IS NULL, extract_date, message FROM raw.load_log "
        "WHERE extract = ? ORDER BY loaded_at, rowid", [extract]).fetchall()


def loaded_ids(con):
    return con.execute("SELECT incident_id, _file_name FROM raw.incidents "
                       "ORDER BY incident_id").fetchall()


# --- entries that are not regular files ---------------------------------------------------------

def test_a_symlink_to_a_csv_outside_the_folder_is_refused_not_followed(con, landing, tmp_path,
                                                                       reference_data):
    outside = tmp_path / "elsewhere.csv"
    outside.write_text(incidents_text())
    os.symlink(outside, landing.path("incidents", FILE))
    result = load(con, landing, "incidents")
    message = f"{FILE} rejected: not a regular file: a symbolic link, never followed"
    assert log_rows(con) == [(FILE, "rejected", True, EXTRACT_DATE, message)]
    assert result.files_rejected == 1 and loaded_ids(con) == []


def test_a_symlink_to_a_system_file_never_reaches_the_log(con, landing, reference_data):
    os.symlink("/etc/passwd", landing.path("incidents", FILE))
    load(con, landing, "incidents")
    [(name, status, no_hash, _, message)] = log_rows(con)
    assert (name, status, no_hash) == (FILE, "rejected", True)
    assert "root" not in message and "passwd" not in message


def test_a_fifo_named_like_an_extract_is_refused_and_never_opened(con, landing, reference_data):
    os.mkfifo(landing.path("incidents", FILE))  # opening it for reading would block for ever
    landing.write_text("incidents", "incidents_20250201.csv", incidents_text())
    result = load(con, landing, "incidents")
    assert log_rows(con)[0] == (FILE, "rejected", True, EXTRACT_DATE,
                                f"{FILE} rejected: not a regular file: a FIFO (named pipe), "
                                "never read")
    assert [(f.file_name, f.status) for f in result.files] == [
        (FILE, "rejected"), ("incidents_20250201.csv", "loaded")]


def test_a_folder_named_like_an_extract_is_refused(con, landing, reference_data):
    landing.path("incidents", FILE).mkdir()
    (landing.path("incidents", FILE) / "inner.csv").write_text(incidents_text())
    load(con, landing, "incidents")
    assert log_rows(con) == [(FILE, "rejected", True, EXTRACT_DATE,
                              f"{FILE} rejected: not a regular file: a folder")]
    assert loaded_ids(con) == []


def test_a_file_swapped_for_a_symlink_after_listing_is_refused(con, landing, tmp_path,
                                                              reference_data, monkeypatch):
    """The open itself refuses a link (O_NOFOLLOW), not only the listing."""
    from dagster_project.ingest import discovery

    landing.write_text("incidents", FILE, incidents_text())
    outside = tmp_path / "elsewhere.csv"
    outside.write_text(incidents_text(("INC001",)))
    real = discovery.discover

    def swap_after_listing(*args, **kwargs):
        found = real(*args, **kwargs)
        path = landing.path("incidents", FILE)
        path.unlink()
        os.symlink(outside, path)
        return found

    monkeypatch.setattr("dagster_project.ingest.load.discover", swap_after_listing)
    load(con, landing, "incidents")
    assert log_rows(con) == [(FILE, "rejected", True, EXTRACT_DATE,
                              f"{FILE} rejected: not a regular file: a symbolic link, never "
                              "followed")]


def test_refusals_are_recorded_once_not_every_night(con, landing, reference_data):
    os.symlink("/etc/passwd", landing.path("incidents", FILE))
    load(con, landing, "incidents")
    again = load(con, landing, "incidents", datetime(2025, 2, 2, 6))
    assert again.files == [] and again.unchanged == [FILE]
    assert len(log_rows(con)) == 1


# --- names -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("hostile", "matched"), [
    ("incidents_20250131_[v2].csv", "incidents_20250131_2.csv"),
    ("incidents_20250131_?.csv", "incidents_20250131_1.csv"),
    ("incidents_20250131_*.csv", "incidents_20250131_!.csv"),
])
def test_a_name_with_glob_characters_loads_its_own_rows(con, landing, reference_data, hostile,
                                                        matched):
    """Read as a pattern, the hostile name would match the other file (which sorts first, so
    is superseded and must not be read at all)."""
    landing.write_text("incidents", matched, incidents_text(("INC001",)))
    own = landing.write_text("incidents", hostile, incidents_text(("INC002", "INC003")))
    result = load(con, landing, "incidents")
    assert [(f.file_name, f.status, f.rows_in) for f in result.files] == [
        (hostile, "loaded", 2)]
    assert result.superseded == [matched]
    assert loaded_ids(con) == [("INC002", hostile), ("INC003", hostile)]
    digest = hashlib.sha256(own.read_bytes()).hexdigest()
    assert con.execute("SELECT DISTINCT _content_hash FROM raw.incidents").fetchall() == [
        (digest,)]


def test_a_parquet_file_with_glob_characters_loads_its_own_rows(con, landing, reference_data):
    import polars as pl

    rows = valid_rows("waste_savings")
    for name, part in (("waste_savings_20250131_1.parquet", rows[:1]),
                       ("waste_savings_20250131_[1].parquet", rows[1:])):
        pl.DataFrame(part, schema={c: (pl.Float64 if c.endswith("gbp") else pl.String)
                                   for c in rows[0]}).write_parquet(
            landing.path("waste_savings", name))
    load(con, landing, "waste_savings")
    assert con.execute("SELECT scheme_id, _file_name FROM raw.waste_savings").fetchall() == [
        ("WS002", "waste_savings_20250131_[1].parquet")]


@pytest.mark.parametrize(("raw_name", "shown", "why"), [
    ("incidents_20250131_a\x1bb.csv", "incidents_20250131_a\\x1bb.csv",
     "the file name contains control characters"),
    ("incidents_20250131_\n.csv", "incidents_20250131_\\x0a.csv",
     "the file name contains control characters"),
    (os.fsdecode(b"incidents_20250131_\xff.csv"), "incidents_20250131_\\xff.csv",
     "the file name is not valid UTF-8"),
])
def test_a_name_with_control_characters_is_refused_and_shown_escaped(con, landing, reference_data,
                                                                     raw_name, shown, why):
    landing.write_text("incidents", raw_name, incidents_text())
    load(con, landing, "incidents")
    assert log_rows(con) == [(shown, "rejected", True, EXTRACT_DATE, f"{shown} rejected: {why}")]
    assert loaded_ids(con) == []


def test_an_extract_date_after_tomorrow_is_refused(con, landing, reference_data):
    landing.write_text("incidents", "incidents_20621031.csv", incidents_text())
    landing.write_text("incidents", "incidents_20250202.csv", incidents_text(("INC001",)))
    result = load(con, landing, "incidents")  # "now" is 2025-02-01: tomorrow is allowed
    assert log_rows(con)[0][:4] == ("incidents_20621031.csv", "rejected", True,
                                    datetime(2062, 10, 31).date())
    assert log_rows(con)[0][4] == (
        "incidents_20621031.csv rejected: the extract date in the name, 2062-10-31, is later "
        "than tomorrow (2025-02-02)")
    assert [(f.file_name, f.status) for f in result.files][1] == (
        "incidents_20250202.csv", "loaded")


# --- files that cannot be read ------------------------------------------------------------------

def fail_for(name: str, real, error: int):
    """A wrapper of os.open / os.pread that fails with `error` for the file called `name`."""
    def wrapper(target, *args, **kwargs):
        path = str(target) if not isinstance(target, int) else os.readlink(
            f"/proc/self/fd/{target}")
        if os.path.basename(path) == name:
            raise OSError(error, os.strerror(error))
        return real(target, *args, **kwargs)
    return wrapper


def write_bad_and_good(landing) -> None:
    """FILE (to be made unreadable) and a good file of the next day."""
    landing.write_text("incidents", FILE, incidents_text())
    landing.write_text("incidents", "incidents_20250201.csv", incidents_text(("INC001",)))


def test_an_unreadable_file_is_rejected_and_the_run_goes_on(con, landing, reference_data,
                                                            monkeypatch):
    """The tests run as root, which chmod 000 does not stop: the open is made to fail."""
    write_bad_and_good(landing)
    monkeypatch.setattr(landing_module.os, "open", fail_for(FILE, os.open, errno.EACCES))
    result = load(con, landing, "incidents")
    assert log_rows(con) == [
        (FILE, "rejected", True, EXTRACT_DATE,
         f"{FILE} rejected: cannot be read: permission denied (EACCES)"),
        ("incidents_20250201.csv", "loaded", False, datetime(2025, 2, 1).date(),
         "loaded 1 of 1 rows")]
    assert result.files_loaded == 1
    # still unreadable the next night: not recorded again; once readable: loaded
    assert load(con, landing, "incidents").unchanged == [FILE, "incidents_20250201.csv"]
    monkeypatch.undo()
    assert load(con, landing, "incidents").files_loaded == 1
    assert [r[:2] for r in log_rows(con)][-1] == (FILE, "loaded")


def test_an_io_error_while_reading_is_rejected_and_the_run_goes_on(con, landing, reference_data,
                                                                  monkeypatch):
    write_bad_and_good(landing)
    monkeypatch.setattr(landing_module.os, "pread", fail_for(FILE, os.pread, errno.EIO))
    result = load(con, landing, "incidents")
    assert log_rows(con)[0] == (FILE, "rejected", True, EXTRACT_DATE,
                                f"{FILE} rejected: cannot be read: input/output error (EIO)")
    assert result.files_loaded == 1


# --- half-copied files --------------------------------------------------------------------------

def test_files_wait_120_seconds_by_default(con, landing, reference_data, monkeypatch):
    monkeypatch.delenv("FILE_STABLE_SECONDS", raising=False)
    assert get_settings().file_stable_seconds == 120
    landing.write_text("incidents", FILE, incidents_text())  # modified just now
    result = load_extract(con, CONTRACTS_BY_NAME["incidents"], landing.dir)
    assert result.files == [] and result.pending == [FILE]


def test_files_the_generator_wrote_do_not_wait_unless_changed_since(con, tmp_path):
    from dagster_project.synthetic import generate

    landing = tmp_path / "generated"
    generate(landing, months=1, staff=20)
    contract = CONTRACTS_BY_NAME["org_structure"]
    [path] = (landing / "org_structure").glob("*.csv")
    path.write_bytes(path.read_bytes() + b"")  # same bytes, new mtime: not the listed file
    assert load_extract(con, contract, landing, stable_seconds=120).pending == [path.name]
    generate(landing, months=1, staff=20)  # written (and listed) again
    result = load_extract(con, contract, landing, stable_seconds=120)
    assert result.pending == [] and result.files_loaded == 1
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n", 1))  # a copy over it
    result = load_extract(con, CONTRACTS_BY_NAME["activity"], landing, stable_seconds=120)
    assert result.pending == [] and result.files_loaded == 1  # its neighbours are unchanged
    assert load_extract(con, contract, landing, stable_seconds=120).pending == [path.name]


def test_a_forged_marker_does_not_release_a_file_it_does_not_describe(con, landing,
                                                                      reference_data):
    landing.write_text("incidents", FILE, incidents_text())
    landing.write_text("incidents", ".generated.json", f'{{"{FILE}": [1, 2]}}')
    result = load_extract(con, CONTRACTS_BY_NAME["incidents"], landing.dir, stable_seconds=120)
    assert result.pending == [FILE]
    landing.write_text("incidents", ".generated.json", "not json [")
    result = load_extract(con, CONTRACTS_BY_NAME["incidents"], landing.dir, stable_seconds=120)
    assert result.pending == [FILE]


# --- control files ------------------------------------------------------------------------------

def with_control(landing, text: str, control: str | None = None, name: str = FILE):
    path = landing.write_text("incidents", name, text)
    if control is None:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        control = f"# from the supplier\nrows={text.count(chr(10)) - 1}\nsha256={digest}\n"
    landing.write_text("incidents", name + ".ctl", control)
    return path


def test_a_matching_control_file_is_verified_and_not_an_unknown_file(con, landing,
                                                                     reference_data):
    with_control(landing, incidents_text())
    result = load(con, landing, "incidents")
    assert [(f.file_name, f.status, f.rows_loaded) for f in result.files] == [
        (FILE, "loaded", 3)]
    assert result.ignored == []


def test_a_control_file_with_another_checksum_rejects_the_file(con, landing, reference_data):
    with_control(landing, incidents_text(), f"rows=3\nsha256={'0' * 64}\n")
    load(con, landing, "incidents")
    assert load_log(con, "incidents") == [
        (FILE, "rejected", 0, 0, 0,
         f"{FILE} rejected: sha256 does not match control file {FILE}.ctl (the file is "
         "incomplete or was changed in transit)")]
    assert loaded_ids(con) == []


def test_a_control_file_with_another_row_count_rejects_the_file(con, landing, reference_data):
    with_control(landing, incidents_text(), "rows=4\n")
    load(con, landing, "incidents")
    assert load_log(con, "incidents") == [
        (FILE, "rejected", 0, 0, 0,
         f"{FILE} rejected: 3 data rows, but control file {FILE}.ctl says 4 (the file is "
         "incomplete or was changed in transit)")]
    assert quarantine(con) == [] and loaded_ids(con) == []


@pytest.mark.parametrize(("control", "reason"), [
    ("rows=three\n", f"control file {FILE}.ctl line 1: expected one of rows=<count>, "
                     "sha256=<64 hex digits>, each once"),
    ("rows=3\nrows=3\n", f"control file {FILE}.ctl line 2: expected one of rows=<count>, "
                         "sha256=<64 hex digits>, each once"),
    ("# nothing\n", f"control file {FILE}.ctl: no rows= or sha256= line"),
    ("x" * 5000, f"control file {FILE}.ctl: larger than 4096 bytes"),
])
def test_a_malformed_control_file_rejects_the_file(con, landing, reference_data, control,
                                                   reason):
    with_control(landing, incidents_text(), control)
    load(con, landing, "incidents")
    assert load_log(con, "incidents") == [(FILE, "rejected", 0, 0, 0, f"{FILE} rejected: {reason}")]


def test_a_control_file_that_is_a_symlink_rejects_the_file(con, landing, reference_data):
    landing.write_text("incidents", FILE, incidents_text())
    os.symlink("/etc/passwd", landing.path("incidents", FILE + ".ctl"))
    load(con, landing, "incidents")
    assert load_log(con, "incidents") == [
        (FILE, "rejected", 0, 0, 0, f"{FILE} rejected: control file {FILE}.ctl: not a regular "
                                    "file: a symbolic link, never followed")]


def test_a_control_file_without_its_data_file_is_ignored(con, landing, reference_data):
    landing.write_text("incidents", FILE + ".ctl", "rows=3\n")
    result = load(con, landing, "incidents")
    assert result.files == [] and result.ignored == [FILE + ".ctl"]


def test_a_control_file_still_being_written_holds_its_file_back(con, landing, reference_data):
    path = with_control(landing, incidents_text())
    old = path.stat().st_mtime - 3600
    os.utime(path, (old, old))  # the data file is old, its control file just arrived
    result = load_extract(con, CONTRACTS_BY_NAME["incidents"], landing.dir, stable_seconds=60)
    assert result.files == [] and result.pending == [FILE]
    assert_accounting(con)


def test_a_folder_the_service_cannot_list_stops_nothing(con, landing, reference_data,
                                                       monkeypatch):
    from dagster_project.ingest import discovery

    landing.write_text("incidents", FILE, incidents_text())
    real = os.scandir

    def refuse(path):
        if os.path.basename(str(path)) == "incidents":
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
        return real(path)

    monkeypatch.setattr(discovery.os, "scandir", refuse)
    result = load(con, landing, "incidents")
    assert result.files == [] and result.pending == []
    monkeypatch.undo()
    assert load(con, landing, "incidents").files_loaded == 1
