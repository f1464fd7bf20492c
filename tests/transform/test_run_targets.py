"""Each dbt invocation's own target folder is kept for looking into a failure, but not for ever:
beyond the newest few, folders older than a day are removed (transform/assets.py,
prune_run_targets), and nothing else in the target folder is touched."""

from __future__ import annotations

import os
import time
from datetime import timedelta

from dagster_project.transform import AFTER_VERDICTS_OP, DBT_OP
from dagster_project.transform.assets import prune_run_targets

DAY = 86_400


def folder(target, name: str, age_days: float):
    path = target / name
    path.mkdir()
    (path / "run_results.json").write_text("{}")
    stamp = time.time() - age_days * DAY
    os.utime(path, (stamp, stamp))
    return path


def test_the_oldest_run_folders_go_and_everything_else_stays(tmp_path):
    old = [folder(tmp_path, f"{DBT_OP}-run{i}-abc", age_days=10 + i) for i in range(3)]
    old.append(folder(tmp_path, f"{AFTER_VERDICTS_OP}-run9-abc", age_days=20))
    recent = [folder(tmp_path, f"{DBT_OP}-new{i}-abc", age_days=2 + i / 10) for i in range(2)]
    # not a run's folder: dbt's own files, the parse states, anything a user put there
    kept = [folder(tmp_path, "partial_parse", age_days=30), folder(tmp_path, "compiled", 30)]
    (tmp_path / "manifest.json").write_text("{}")

    removed = prune_run_targets(tmp_path, keep=3, min_age=timedelta(days=1))

    assert sorted(removed) == sorted(old[1:])  # the 3 newest run folders stay
    assert all(p.exists() for p in [*recent, old[0], *kept, tmp_path / "manifest.json"])
    assert not any(p.exists() for p in old[1:])


def test_a_folder_younger_than_the_minimum_age_stays_however_many_there_are(tmp_path):
    young = [folder(tmp_path, f"{DBT_OP}-run{i}-abc", age_days=i / 100) for i in range(5)]
    assert prune_run_targets(tmp_path, keep=1, min_age=timedelta(days=1)) == []
    assert all(p.exists() for p in young)  # another run's dbt may still be writing one
