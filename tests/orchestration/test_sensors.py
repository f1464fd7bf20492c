"""The landing-folder sensor, evaluated for real with build_sensor_context."""

from __future__ import annotations

import json
import os
import time

import dagster as dg
import pytest

from dagster_project.sensors import landing_folder_sensor, scan_landing


@pytest.fixture
def landing(tmp_path, monkeypatch):
    root = tmp_path / "landing"
    (root / "incidents").mkdir(parents=True)
    monkeypatch.setenv("LANDING_DIR", str(root))
    monkeypatch.setenv("FILE_STABLE_SECONDS", "0")
    return root


def evaluate(cursor=None):
    context = dg.build_sensor_context(cursor=cursor)
    result = landing_folder_sensor(context)
    return result, context.cursor


def test_new_file_starts_one_run_keyed_on_its_content(landing):
    (landing / "incidents" / "incidents_20250131.csv").write_text("incident_id\nA\n")
    result, cursor = evaluate()
    assert isinstance(result, dg.RunRequest)
    assert result.run_key
    again, _ = evaluate(cursor)
    assert isinstance(again, dg.SkipReason), "a restart with the cursor must replay nothing"


def test_redelivered_identical_file_starts_nothing(landing):
    (landing / "incidents" / "incidents_20250131.csv").write_text("incident_id\nA\n")
    _, cursor = evaluate()
    (landing / "incidents" / "incidents_20250131_copy.csv").write_text("incident_id\nA\n")
    result, _ = evaluate(cursor)
    assert isinstance(result, dg.SkipReason)


def test_changed_file_starts_a_new_run_with_a_new_key(landing):
    path = landing / "incidents" / "incidents_20250131.csv"
    path.write_text("incident_id\nA\n")
    first, cursor = evaluate()
    path.write_text("incident_id\nA\nB\n")
    past = time.time_ns() - 5_000_000_000
    os.utime(path, ns=(past, past))
    second, _ = evaluate(cursor)
    assert isinstance(second, dg.RunRequest)
    assert second.run_key != first.run_key


def test_file_still_being_written_waits(landing, monkeypatch):
    monkeypatch.setenv("FILE_STABLE_SECONDS", "3600")
    (landing / "incidents" / "incidents_20250131.csv").write_text("incident_id\nA\n")
    result, cursor = evaluate()
    assert isinstance(result, dg.SkipReason)
    assert "still being written" in result.skip_message
    assert json.loads(cursor)["hashes"] == []


def test_files_outside_extract_folders_are_ignored(landing):
    (landing / "notes").mkdir()
    (landing / "notes" / "readme.csv").write_text("x\n1\n")
    (landing / "incidents" / "incidents_20250131.txt").write_text("x\n")
    result, _ = evaluate()
    assert isinstance(result, dg.SkipReason)


def test_unchanged_files_are_not_hashed_again(landing, monkeypatch):
    (landing / "incidents" / "incidents_20250131.csv").write_text("incident_id\nA\n")
    scan = scan_landing(landing, {}, 0)
    calls = []
    import dagster_project.sensors as sensors

    monkeypatch.setattr(sensors, "file_hash", lambda p: calls.append(p) or "x")
    sensors.scan_landing(landing, scan.cursor, 0)
    assert calls == []


def test_run_selects_only_the_changed_extract_and_its_downstream(landing):
    from dagster_project.definitions import build_definitions

    defs = build_definitions()
    (landing / "incidents" / "incidents_20250131.csv").write_text("incident_id\nA\n")
    context = dg.build_sensor_context(definitions=defs)
    request = landing_folder_sensor(context)
    keys = {k.to_user_string() for k in request.asset_selection}
    assert "raw/incidents" in keys
    assert {"marts/fct_incidents", "marts/fct_scorecard_monthly", "spc/spc_points",
            "published/tables"} <= keys
    assert "raw/mandatory_training" not in keys
    assert "marts/fct_training_compliance" not in keys


# --- the landing rules (issue 12): the loader's own, never blocking, never crashing -----------

def test_a_fifo_named_like_an_extract_never_blocks_the_sensor(landing):
    import threading

    fifo = landing / "incidents" / "incidents_20250131.csv"
    os.mkfifo(fifo)
    # A writer that gives a reader an empty file at once: a sensor that opened the FIFO would
    # hash it (and start a run) instead of blocking this test for ever.
    writer = threading.Thread(target=lambda: open(fifo, "wb").close(), daemon=True)
    writer.start()
    result, _ = evaluate()
    assert isinstance(result, dg.SkipReason)
    release = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # the writer's open completes
    writer.join()
    os.close(release)


def test_a_folder_named_like_an_extract_does_not_crash_the_sensor(landing):
    (landing / "incidents" / "incidents_20250131.csv").mkdir()
    (landing / "incidents" / "incidents_20250201.csv").write_text("incident_id\nA\n")
    result, cursor = evaluate()
    assert isinstance(result, dg.RunRequest)
    assert list(json.loads(cursor)["files"]) == ["incidents/incidents_20250201.csv"]


def test_a_symlink_is_not_followed_or_hashed(landing, tmp_path):
    outside = tmp_path / "outside.csv"
    outside.write_text("incident_id\nA\n")
    (landing / "incidents" / "incidents_20250131.csv").symlink_to(outside)
    (landing / "incidents" / "incidents_20250201.csv").symlink_to("/etc/passwd")
    result, cursor = evaluate()
    assert isinstance(result, dg.SkipReason)
    assert json.loads(cursor)["files"] == {}


def test_a_name_with_glob_characters_is_hashed_as_itself(landing):
    import hashlib

    (landing / "incidents" / "incidents_20250131_2.csv").write_text("incident_id\nB\n")
    own = landing / "incidents" / "incidents_20250131_[v2].csv"
    own.write_text("incident_id\nA\n")
    scan = scan_landing(landing, {}, 0)
    assert scan.new_hashes["incidents/incidents_20250131_[v2].csv"] == hashlib.sha256(
        own.read_bytes()).hexdigest()


def test_a_file_dated_decades_ahead_starts_nothing(landing):
    (landing / "incidents" / "incidents_20621031.csv").write_text("incident_id\nA\n")
    result, _ = evaluate()
    assert isinstance(result, dg.SkipReason)


def test_generated_files_do_not_wait_for_the_sensor(landing, monkeypatch):
    from dagster_project.ingest.landing import record_generated

    monkeypatch.setenv("FILE_STABLE_SECONDS", "120")
    path = landing / "incidents" / "incidents_20250131.csv"
    path.write_text("incident_id\nA\n")
    record_generated(path)
    (landing / "incidents" / "incidents_20250201.csv").write_text("incident_id\nB\n")
    scan = scan_landing(landing, {}, 120)
    assert list(scan.new_hashes) == ["incidents/incidents_20250131.csv"]
    assert scan.waiting == ["incidents/incidents_20250201.csv"]
