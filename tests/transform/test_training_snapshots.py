"""Training snapshots are summarised once, when they arrive (issue 17): after a new snapshot and a
corrected re-delivery, the incremental summaries and compliance mart equal a full rebuild; a night
with no new training file re-summarises nothing."""

from __future__ import annotations

import csv
import json
import shutil

import duckdb
import pytest

from dagster_project.contracts import CONTRACTS_BY_NAME
from dagster_project.ingest.load import load_all
from dagster_project.settings import get_settings
from dagster_project.synthetic import generate
from dagster_project.transform.profile import profile_vars
from dagster_project.transform.resource import dbt_resource

MODELS = ["stg_training__mandatory_training", "int_training_snapshot_summaries",
          "fct_training_compliance"]
SUMMARIES = "intermediate.int_training_snapshot_summaries"
MART = "marts.fct_training_compliance"
TRAINING = [CONTRACTS_BY_NAME[name] for name in ("org_structure", "mandatory_training")]


def dbt_run(warehouse, target, *extra):
    variables = profile_vars(get_settings(), str(warehouse))
    invocation = dbt_resource().cli(
        ["run", "--select", " ".join(MODELS), "--vars", json.dumps(variables), *extra],
        target_path=target, raise_on_error=False).wait()
    assert invocation.is_successful(), invocation.get_error()


def ingest(warehouse, landing):
    with duckdb.connect(str(warehouse)) as con:
        load_all(con, landing, stable_seconds=0, contracts=TRAINING)


def differences(warehouse, other, table):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        con.execute(f"attach '{other}' as other (read_only)")
        columns = [r[0] for r in con.execute(f"describe {table}").fetchall()
                   if r[0] != "summarised_through"]  # bookkeeping: when, not what
        cols = ", ".join(columns)
        return [con.execute(f"select count(*) from (select {cols} from {a} except all "
                            f"select {cols} from {b})").fetchall()[0][0]
                for a, b in ((table, f"other.{table}"), (f"other.{table}", table))]


def rewrite(source, target, snapshot_date, flip_every):
    """`source`'s rows with the snapshot date set, every n-th compliant row now expired."""
    with source.open(newline="") as inp, target.open("w", newline="") as out:
        rows = csv.reader(inp)
        writer = csv.writer(out)
        header = next(rows)
        writer.writerow(header)
        status = header.index("status")
        for n, row in enumerate(rows):
            row[0] = snapshot_date
            if n % flip_every == 0 and row[status] == "compliant":
                row[status] = "expired"
            writer.writerow(row)


@pytest.fixture(scope="module")
def landing(tmp_path_factory):
    root = tmp_path_factory.mktemp("training_landing")
    generate(root, months=3, staff=60, seed=3, end_month="2025-06")
    return root


def test_a_new_and_a_corrected_snapshot_give_what_a_full_rebuild_gives(landing, tmp_path):
    warehouse = tmp_path / "w.duckdb"
    ingest(warehouse, landing)
    dbt_run(warehouse, tmp_path / "t1")
    folder = landing / "mandatory_training"
    files = sorted(folder.glob("mandatory_training_*.csv"))
    latest = files[-1]
    day = latest.stem.rsplit("_", 1)[-1]
    added = [folder / "mandatory_training_20250731.csv",  # a new snapshot, the next month's
             folder / f"mandatory_training_{day}_corrected.csv"]  # replaces the latest
    rewrite(latest, added[0], "2025-07-31", 7)
    rewrite(latest, added[1], f"{day[:4]}-{day[4:6]}-{day[6:]}", 5)
    try:
        ingest(warehouse, landing)
    finally:
        for path in added:
            path.unlink()
    dbt_run(warehouse, tmp_path / "t2")  # incremental
    rebuilt = tmp_path / "rebuilt.duckdb"
    shutil.copyfile(warehouse, rebuilt)
    dbt_run(rebuilt, tmp_path / "t3", "--full-refresh")
    assert differences(warehouse, rebuilt, SUMMARIES) == [0, 0]
    assert differences(warehouse, rebuilt, MART) == [0, 0]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        snapshots = {r[0] for r in con.execute(f"select distinct snapshot_date from {MART}")
                     .fetchall()}
    assert len(snapshots) == len(files) + 1  # every month's snapshot and the new one


def test_a_night_without_a_new_training_file_resummarises_nothing(landing, tmp_path):
    warehouse = tmp_path / "w.duckdb"
    ingest(warehouse, landing)
    dbt_run(warehouse, tmp_path / "t1")
    # Mark one summary row: a night that re-summarised its snapshot would overwrite the mark.
    with duckdb.connect(str(warehouse)) as con:
        snapshot = con.execute(f"select min(snapshot_date) from {MART}").fetchall()[0][0]
        con.execute(f"update {SUMMARIES} set compliant_count = -1 where snapshot_date = ?",
                    [snapshot])
    dbt_run(warehouse, tmp_path / "t2")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        marked = con.execute(f"select count(*) from {SUMMARIES} where compliant_count = -1"
                             ).fetchall()[0][0]
        # the mart follows the summaries (it never reads the training history itself)
        in_mart = con.execute(f"select count(*) from {MART} where compliant_count = -1"
                              ).fetchall()[0][0]
    assert marked > 0
    assert in_mart == marked
