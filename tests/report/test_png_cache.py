"""The PNG cache (report/png_cache.py): a report built through it is byte-for-byte the report built
without it; a changed chart, a newly withheld point included, is always rasterised again; stale or
damaged entries go; the entries are the service account's only. Real renders throughout."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import polars as pl

from dagster_project.report.png_cache import PRUNE_AFTER_DAYS, PngCache
from dagster_project.report.render import build_report

from .conftest import GENERATED_AT, build_frames, subset, write_warehouse

MEASURES = {"D02", "Q03"}  # an XmR chart and a rare-event measure (c and g charts), both levels


def _frames() -> dict[str, pl.DataFrame]:
    return subset(build_frames(n_csus=1), MEASURES)


def _build(tmp_path: Path, frames, out: str, cache: Path | None):
    wh = tmp_path / f"{out}.duckdb"
    write_warehouse(wh, frames)
    con = duckdb.connect(str(wh), read_only=True)
    try:
        return build_report(con, tmp_path / out, generated_at=GENERATED_AT, png_cache=cache)
    finally:
        con.close()


def _files(folder: Path) -> dict[Path, bytes]:
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _withhold_latest_csu_point(frames: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """Disclosure control withholds Q03's latest CSU value (a count that became small)."""
    last = frames["spc_points"]["period"].max()
    cell = ((pl.col("measure_id") == "Q03") & (pl.col("level") == "csu")
            & (pl.col("period") == last))
    points = frames["spc_points"].with_columns(
        is_suppressed=cell, value=pl.when(cell).then(None).otherwise(pl.col("value")))
    return {**frames, "spc_points": points,
            "dim_measure": frames["dim_measure"].with_columns(
                suppression=pl.when(pl.col("measure_id") == "Q03").then(pl.lit("small_count")))}


def test_the_report_through_the_cache_is_the_report_without_it(tmp_path):
    frames, cache = _frames(), tmp_path / "cache"
    without = _build(tmp_path, frames, "without", None)
    first = _build(tmp_path, frames, "first", cache)  # an empty cache: every chart rasterised
    again = _build(tmp_path, frames, "again", cache)  # nothing new: every chart from the cache
    assert first.pngs_from_cache == 0 and again.pngs_from_cache == again.charts > 0
    assert len(list(cache.glob("*.png"))) == again.charts
    reference = _files(without.report_dir)
    assert len([p for p in reference if p.suffix == ".png"]) == without.charts
    assert _files(first.report_dir) == reference
    assert _files(again.report_dir) == reference


def test_a_changed_chart_is_rasterised_again_so_a_withheld_value_never_comes_back(tmp_path):
    cache = tmp_path / "cache"
    before = _build(tmp_path, _frames(), "night1", cache)
    withheld = _withhold_latest_csu_point(_frames())
    after = _build(tmp_path, withheld, "night2", cache)
    fresh = _build(tmp_path, withheld, "without", None)

    old, new = _files(before.report_dir / "charts"), _files(after.report_dir / "charts")
    changed = {p for p in new if p.suffix == ".svg" and new[p] != old[p]}
    assert changed and all("Q03__csu__" in p.name for p in changed)
    assert after.pngs_from_cache == after.charts - len(changed)
    for svg in changed:
        png = svg.with_suffix(".png")
        assert new[png] != old[png]  # drawn again from the SVG with the gap
    assert _files(after.report_dir) == _files(fresh.report_dir)


def test_entries_unused_for_a_week_are_pruned_and_used_ones_kept(tmp_path):
    cache = tmp_path / "cache"
    _build(tmp_path, _frames(), "night1", cache)
    used = set(cache.glob("*.png"))
    orphan = cache / f"{'0' * 64}.png"  # a chart no longer in the report
    orphan.write_bytes(next(iter(used)).read_bytes())
    old = time.time() - (PRUNE_AFTER_DAYS + 1) * 86400
    for entry in [*used, orphan]:
        os.utime(entry, (old, old))

    result = _build(tmp_path, _frames(), "night2", cache)
    assert result.pngs_from_cache == result.charts
    assert set(cache.glob("*.png")) == used  # the orphan went; what the night used stayed
    assert all(entry.stat().st_mtime > old for entry in used)


def test_a_damaged_entry_is_rasterised_again(tmp_path):
    cache = tmp_path / "cache"
    reference = _files(_build(tmp_path, _frames(), "without", None).report_dir)
    _build(tmp_path, _frames(), "night1", cache)
    entry = sorted(cache.glob("*.png"))[0]
    whole = entry.read_bytes()
    entry.write_bytes(whole[: len(whole) // 2])  # cut short, as by a crash before a flush

    result = _build(tmp_path, _frames(), "night2", cache)
    assert result.pngs_from_cache == result.charts - 1
    assert _files(result.report_dir) == reference
    assert entry.read_bytes() == whole


def test_the_cache_is_the_service_accounts_only(tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o755)
    cache.chmod(0o755)
    _build(tmp_path, _frames(), "night1", cache)
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    entries = list(cache.iterdir())
    assert entries and all(stat.S_IMODE(e.stat().st_mode) == 0o600 for e in entries)


def test_an_entry_from_another_renderer_is_not_reused(tmp_path):
    cache = PngCache(tmp_path / "cache")
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="2" height="2"/>'
    ours = cache.entry(svg)
    cache.renderer = cache.renderer.replace("scale=", "scale=9")
    assert cache.entry(svg) != ours


def test_a_night_with_every_chart_cached_loads_no_rasteriser(tmp_path):
    """Nothing to draw, nothing to load: cairosvg, cairocffi and Pillow stay out of the process
    (importing them costs more CPU than the rest of such a night's report)."""
    cache = tmp_path / "cache"
    _build(tmp_path, _frames(), "night1", cache)
    code = ("import sys, duckdb; from dagster_project.report.render import build_report; "
            f"con = duckdb.connect({str(tmp_path / 'night1.duckdb')!r}, read_only=True); "
            f"r = build_report(con, {str(tmp_path / 'night2')!r}, png_cache={str(cache)!r}); "
            "print(r.pngs_from_cache == r.charts, "
            "sorted(m for m in ('cairosvg', 'cairocffi', 'PIL') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "True []"
