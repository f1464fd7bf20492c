"""The run command's summary and the Dagster instance it records runs in."""

from __future__ import annotations

import os
import subprocess
from datetime import datetime

import dagster as dg
import duckdb

from dagster_project import settings
from dagster_project.runner import load_summary, open_instance
from dagster_project.settings import PROJECT_ROOT, get_settings

LOAD_LOG = """create schema raw; create table raw.load_log (
    extract varchar, file_name varchar, content_hash varchar, rows_in bigint, rows_loaded bigint,
    rows_quarantined bigint, status varchar, message varchar, loaded_at timestamp,
    extract_date date)"""


def warehouse_with_history(path) -> None:
    con = duckdb.connect(str(path))
    con.execute(LOAD_LOG)
    rows = [  # last night: 2 files; tonight: 1 loaded with quarantine, 1 rejected
        ("incidents", "incidents_20250131.csv", "a", 100, 100, 0, "loaded", "", "2025-02-01 02:00"),
        ("incidents", "incidents_20250228.csv", "b", 200, 200, 0, "loaded", "", "2025-03-01 02:00"),
        ("incidents", "incidents_20250331.csv", "c", 50, 45, 5, "loaded", "", "2025-04-01 02:00"),
        ("workforce", "workforce_20250331.csv", "d", 0, 0, 0, "rejected", "", "2025-04-01 02:00"),
    ]
    con.executemany("insert into raw.load_log values (?, ?, ?, ?, ?, ?, ?, ?, ?, null)", rows)
    con.close()


def row(lines: list[str], extract: str) -> list[str]:
    return next(line for line in lines if line.startswith(extract)).split()


def test_summary_counts_this_runs_loads_beside_the_all_time_totals(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    warehouse_with_history(warehouse)
    lines = load_summary(str(warehouse), since=datetime(2025, 4, 1, 1, 0))
    assert "loaded by this run" in lines[0] and "all time" in lines[0]
    # this run: files, rejected, skipped, rows, quarantined | all time: files, rows
    assert row(lines, "incidents")[1:] == ["1", "0", "0", "45", "5", "3", "345"]
    assert row(lines, "workforce")[1:] == ["0", "1", "0", "0", "0", "0", "0"]


def test_a_night_that_loaded_nothing_says_so(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    warehouse_with_history(warehouse)
    lines = load_summary(str(warehouse), since=datetime(2025, 5, 1))
    assert row(lines, "incidents")[1:] == ["0", "0", "0", "0", "0", "3", "345"]
    assert any("loaded no new files" in line for line in lines)


def test_direct_runs_use_the_makefiles_instance_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    assert get_settings().dagster_home == PROJECT_ROOT / ".dagster_home"
    made = subprocess.run(
        ["make", "-s", "--no-print-directory", "--eval", "print-home: ; @echo $(DAGSTER_HOME)",
         "print-home"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True,
        env={k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"})
    assert made.stdout.strip() == str(PROJECT_ROOT / ".dagster_home")

    # the same default, moved to a scratch folder: a run recorded there is in its history
    monkeypatch.setattr(settings, "DEFAULT_DAGSTER_HOME", tmp_path / "home")
    instance = open_instance()
    assert (tmp_path / "home" / "dagster.yaml").exists()

    @dg.op
    def nothing() -> None:
        pass

    @dg.job
    def tiny():
        nothing()

    result = tiny.execute_in_process(instance=instance)
    later = dg.DagsterInstance.from_config(str(tmp_path / "home"))
    assert result.run_id in {run.run_id for run in later.get_runs()}
