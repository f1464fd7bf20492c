"""Per-file reading and validation in worker processes (ingest/parallel.py): the same warehouse as
a serial load, a worker that dies loses nothing and stops nothing, no pool for a tiny night."""

from __future__ import annotations

import os
import stat
import tempfile
from datetime import datetime
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from dagster_project.contracts import CONTRACTS_BY_NAME
from dagster_project.ingest import parallel
from dagster_project.ingest.assets import ingest_assets
from dagster_project.resources import WarehouseResource
from dagster_project.ingest.load import hash_landed, load_all
from dagster_project.ingest.landing import OpenedFile

from .ingest_helpers import NOW, Landing, assert_accounting, csv_text, valid_rows

LATER = datetime(2025, 2, 3, 6, 0, 0)
real_stage_file = parallel.stage_file
DOOMED = "incidents_20250131_v2.csv"  # the file whose worker dies (see dies_on_doomed)
VANISHING = "incidents_20250202.csv"  # removed once the night has opened it


def dies_on_doomed(job: parallel.StageJob) -> parallel.Staged:
    """A worker's task that kills its process on DOOMED, as the OOM killer would."""
    if job.name == DOOMED:
        os._exit(9)
    return real_stage_file(job)


def removes_vanishing(job: parallel.StageJob) -> parallel.Staged:
    """A worker's task that finds VANISHING gone: removed after the night opened and hashed it."""
    if job.name == VANISHING:
        os.unlink(job.path)
    return real_stage_file(job)


@pytest.fixture
def pools(monkeypatch, tmp_path) -> list[int]:
    """Staging pools started (their worker counts); any extract's files are worth a pool;
    the scratch folders go to a folder of the test's own."""
    started: list[int] = []

    class CountedPool(parallel.StagingPool):
        def __init__(self, workers: int) -> None:
            started.append(workers)
            super().__init__(workers)

    monkeypatch.setattr(parallel, "StagingPool", CountedPool)
    monkeypatch.setattr(parallel, "MIN_BYTES_FOR_A_POOL", 0)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    return started


def incidents(ids: list[str], harm: str = "low") -> list[dict]:
    rows = []
    for i, incident_id in enumerate(ids):
        row = dict(valid_rows("incidents")[i % 3], incident_id=incident_id)
        row["physical_harm"] = harm
        rows.append(row)
    return rows


def night_one(landing: Landing) -> None:
    """Several files per extract: clean ones, bad rows, a rejected file, a duplicate, a
    correction in the same night, references to check (and one that is missing)."""
    landing.write_rows("org_structure")
    landing.write_rows("waste_schemes", name="waste_schemes_20250130.csv")
    landing.write_rows("waste_schemes")
    savings = valid_rows("waste_savings")
    savings[1]["scheme_id"] = "WS999"  # reference_not_found
    landing.write_rows("waste_savings", savings)
    landing.write_rows("waste_savings", valid_rows("waste_savings")[:1],
                       name="waste_savings_20250130.csv")
    landing.write_rows("incidents", incidents(["A1", "A2", "A3"]), name="incidents_20250129.csv")
    bad = incidents(["B1", "B2", "B3", "B3"])  # a shared key
    bad[0]["physical_harm"] = "catastrophic"  # not_allowed
    bad[1]["site_code"] = "NOWHERE"  # reference_not_found
    landing.write_rows("incidents", bad, name="incidents_20250130.csv")
    landing.write_rows("incidents", incidents(["C1"]), name="incidents_20250131.csv")
    landing.write_text("incidents", "incidents_20250127.csv", "not;a;csv\n")  # rejected
    same = landing.path("incidents", "incidents_20250129.csv").read_bytes()
    landing.write_bytes("incidents", "incidents_20250128.csv", same)  # duplicate, this night
    landing.write_rows("incidents", incidents(["D1", "D2"]), name="incidents_20250126.csv")
    landing.write_rows("incidents", incidents(["D1", "D2"], "severe"),
                       name="incidents_20250126_v2.csv")  # the correction wins


def night_two(landing: Landing) -> None:
    """A correction of a loaded date, a new date, the same bytes again under a new name."""
    landing.write_rows("incidents", incidents(["C1", "C2"], "moderate"), name=DOOMED)
    landing.write_rows("incidents", incidents(["E1", "E2", "E3"]), name="incidents_20250201.csv")
    landing.write_rows("incidents", incidents(["F1"]), name=VANISHING)
    same = landing.path("incidents", "incidents_20250130.csv").read_bytes()
    landing.write_bytes("incidents", "incidents_20250203.csv", same)


def warehouse(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    """Every raw table but the hash cache, row for row in insertion order."""
    tables = [r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'raw' "
        "AND table_name <> 'landing_files' ORDER BY 1").fetchall()]
    return {t: con.execute(f'SELECT * FROM raw."{t}" ORDER BY rowid').fetchall() for t in tables}


def load_with(workers: int, landing: Landing, con, monkeypatch, now=NOW):
    monkeypatch.setenv("INGEST_WORKERS", str(workers))
    return load_all(con, landing.dir, now, stable_seconds=0)


def test_two_workers_write_what_one_writes(tmp_path, landing, pools, monkeypatch):
    night_one(landing)
    serial = duckdb.connect(str(tmp_path / "serial.duckdb"))
    side_by_side = duckdb.connect(str(tmp_path / "parallel.duckdb"))
    load_with(1, landing, serial, monkeypatch)
    assert pools == []
    load_with(2, landing, side_by_side, monkeypatch)
    assert pools == [2, 2, 2]  # incidents, waste_schemes, waste_savings (org_structure: 1 file)
    night_two(landing)
    load_with(1, landing, serial, monkeypatch, LATER)
    load_with(2, landing, side_by_side, monkeypatch, LATER)
    assert pools == [2, 2, 2, 2]  # night two: only incidents has new files
    expected = warehouse(serial)
    assert warehouse(side_by_side) == expected
    # and the nights held what the comparison is meant to cover
    statuses = {(r[1], r[6]) for r in expected["load_log"]}
    assert {("incidents_20250127.csv", "rejected"), ("incidents_20250129.csv", "skipped_duplicate"),
            ("incidents_20250203.csv", "skipped_duplicate"), (DOOMED, "loaded")} <= statuses
    assert {r[4] for r in expected["quarantine"]} >= {"not_allowed", "reference_not_found",
                                                      "duplicate_key"}
    assert_accounting(side_by_side)
    assert list((tmp_path / "scratch").iterdir()) == []  # every staged file removed


def test_a_worker_that_dies_loses_nothing_and_the_night_goes_on(tmp_path, landing, pools,
                                                               monkeypatch):
    night_one(landing)
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    load_with(2, landing, con, monkeypatch)
    before = con.execute("SELECT incident_id, physical_harm, _file_name FROM raw.incidents "
                         "WHERE _extract_date = '2025-01-31'").fetchall()
    night_two(landing)
    monkeypatch.setattr(parallel, "stage_file", dies_on_doomed)
    result = load_with(2, landing, con, monkeypatch, LATER)["incidents"]
    decided = {f.file_name: (f.status, f.content_hash) for f in result.files}
    assert decided[DOOMED] == ("rejected", None)  # no hash: tried again next run
    [message] = [f.message for f in result.files if f.file_name == DOOMED]
    assert message == (f"{DOOMED} rejected: the worker process reading it stopped abruptly, "
                       "twice (killed, out of memory or crashed); nothing of it was loaded; it "
                       "is tried again next run")
    # the files staged beside it when its worker died were staged again, and loaded
    assert decided["incidents_20250201.csv"][0] == "loaded"
    assert decided[VANISHING][0] == "loaded"
    assert con.execute("SELECT incident_id, physical_harm, _file_name FROM raw.incidents "
                       "WHERE _extract_date = '2025-01-31'").fetchall() == before
    assert_accounting(con)
    assert list((tmp_path / "scratch").iterdir()) == []
    # the next night, with a worker that lives, loads it
    monkeypatch.setattr(parallel, "stage_file", real_stage_file)
    again = load_with(2, landing, con, monkeypatch, LATER)["incidents"]
    assert [(f.file_name, f.status) for f in again.files] == [(DOOMED, "loaded")]
    assert con.execute("SELECT incident_id, physical_harm FROM raw.incidents "
                       "WHERE _extract_date = '2025-01-31' ORDER BY 1").fetchall() == [
        ("C1", "moderate"), ("C2", "moderate")]


def test_a_file_removed_after_the_night_opened_it_is_read_through_the_nights_descriptor(
        tmp_path, landing, pools, monkeypatch):
    night_one(landing)
    night_two(landing)
    serial = duckdb.connect(str(tmp_path / "serial.duckdb"))
    load_with(1, landing, serial, monkeypatch)
    monkeypatch.setattr(parallel, "stage_file", removes_vanishing)
    side_by_side = duckdb.connect(str(tmp_path / "parallel.duckdb"))
    result = load_with(2, landing, side_by_side, monkeypatch)["incidents"]
    assert not landing.path("incidents", VANISHING).exists()
    assert [f.status for f in result.files if f.file_name == VANISHING] == ["loaded"]
    assert warehouse(side_by_side) == warehouse(serial)


def test_an_ingest_asset_stages_with_workers(tmp_path, landing, pools, monkeypatch):
    night_one(landing)
    monkeypatch.setenv("LANDING_DIR", str(landing.dir))
    monkeypatch.setenv("FILE_STABLE_SECONDS", "0")
    serial = duckdb.connect(str(tmp_path / "serial.duckdb"))
    expected = load_with(1, landing, serial, monkeypatch)["incidents"]
    monkeypatch.setenv("INGEST_WORKERS", "2")
    wanted = {("raw", "org_structure"), ("raw", "incidents")}
    result = dg.materialize(
        [a for a in ingest_assets if tuple(a.key.path) in wanted],
        resources={"warehouse": WarehouseResource(path=str(tmp_path / "dagster.duckdb"))})
    assert result.success and pools == [2]
    [incidents] = [m for m in result.get_asset_materialization_events()
                   if m.asset_key == dg.AssetKey(["raw", "incidents"])]
    metadata = incidents.materialization.metadata
    assert (metadata["files_loaded"].value, metadata["files_rejected"].value,
            metadata["files_skipped_duplicate"].value, metadata["rows_quarantined"].value) == (
        expected.files_loaded, expected.files_rejected, expected.files_skipped,
        expected.rows_quarantined)


def test_no_pool_for_a_single_file_or_a_small_night(tmp_path, landing, pools, monkeypatch):
    landing.write_rows("org_structure")
    landing.write_rows("incidents")
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    load_with(4, landing, con, monkeypatch)
    assert pools == []
    # two files, but fewer bytes than a pool is worth
    monkeypatch.setattr(parallel, "MIN_BYTES_FOR_A_POOL", 1 << 20)
    landing.write_rows("incidents", incidents(["X1"]), name="incidents_20250201.csv")
    landing.write_rows("incidents", incidents(["X2"]), name="incidents_20250202.csv")
    result = load_with(4, landing, con, monkeypatch, LATER)["incidents"]
    assert result.files_loaded == 2 and pools == []


def staging_job(landing: Landing, path: Path, out: Path) -> parallel.StageJob:
    with OpenedFile(path) as opened:
        _, inspection = hash_landed(opened, "csv")
        identity = parallel.file_identity(opened.stat)
    out.mkdir(mode=0o700)
    csus = out / "csus.parquet"  # the referenced column, as the night hands it over
    duckdb.sql(f"COPY (SELECT * FROM (VALUES ('CSU_MED'), ('CSU_SURG')) t(csu_code)) "
               f"TO '{csus}'")
    return parallel.StageJob(CONTRACTS_BY_NAME["activity"], str(path), NOW.date(), "csv",
                             identity, inspection,
                             (parallel.ReferenceSnapshot("org_structure", str(csus)),),
                             str(out), threads=1, memory_limit="512MiB")


def test_a_worker_stages_private_parquet_and_refuses_another_file(tmp_path, landing):
    """stage_file in this process: what a worker does with one file."""
    rows = valid_rows("activity")
    rows[1]["admissions"] = "-3"
    path = landing.write_rows("activity", rows)
    job = staging_job(landing, path, tmp_path / "one")
    staged = parallel.stage_file(job)
    assert (staged.status, staged.rows_in, staged.typed_rows, staged.rows_quarantined) == (
        parallel.STAGED, 2, 2, 1)
    for parquet in (job.clean_path, job.failures_path):
        assert stat.S_IMODE(parquet.stat().st_mode) == 0o600
    assert duckdb.sql(f"SELECT rule FROM read_parquet('{job.failures_path}')").fetchall() == [
        ("below_min",)]
    # the same name, now another file: not what the night hashed, so not staged
    path.unlink()
    path.write_text(csv_text(rows, list(CONTRACTS_BY_NAME["activity"].column_names)))
    assert parallel.stage_file(job).status == parallel.MOVED


def test_the_scratch_folder_is_private_and_removed():
    with parallel.scratch_folder() as scratch:
        assert stat.S_IMODE(scratch.stat().st_mode) == 0o700
    assert not scratch.exists()


def test_memory_is_shared_among_workers():
    assert parallel.memory_per_worker("3.7 GiB", 2) == "1894MiB"
    assert parallel.memory_per_worker("4GB", 4) == "953MiB"
    assert parallel.memory_per_worker("100.0 MiB", 2) == "256MiB"
    assert parallel.memory_per_worker("16383.9 PiB", 2) == "8796039335116MiB"  # unlimited
    assert parallel.memory_per_worker("a lot", 2) == "a lot"
