"""The Dagster definitions match the committed snapshot (asset_graph.snapshot.txt): an asset,
check, job step, schedule or sensor added, removed or rewired shows up as a reviewed diff."""

import difflib

from .graph_snapshot import REGENERATE, SHAPING_SETTINGS, SNAPSHOT, current


def test_definitions_match_the_committed_snapshot(monkeypatch):
    for var in SHAPING_SETTINGS:
        monkeypatch.delenv(var, raising=False)
    now = current()
    committed = SNAPSHOT.read_text(encoding="utf-8") if SNAPSHOT.exists() else ""
    diff = "".join(difflib.unified_diff(committed.splitlines(True), now.splitlines(True),
                                        "committed", "definitions", n=0))
    assert now == committed, (
        f"the Dagster definitions changed; if that is intended, run `{REGENERATE}` and commit "
        f"{SNAPSHOT.name}:\n{diff[:4000]}")


def test_snapshot_covers_every_kind_of_definition():
    text = SNAPSHOT.read_text(encoding="utf-8")
    for heading in ("## assets", "## asset checks", "## jobs", "## schedules", "## sensors"):
        assert heading in text
    assert "raw/incidents  [group ingest]  <- raw/org_structure" in text
    assert "nightly_schedule: job nightly, cron '0 2 * * *' (Europe/London)" in text
    assert "landing_folder_sensor: job nightly" in text
