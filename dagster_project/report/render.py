"""Build the whole report: read `published`, render every page and chart into a temporary
folder beside REPORT_DIR, then swap it into place, so a crash never leaves a half-written report.

Layout of REPORT_DIR:
    index.html                      board summary, new special causes, CSUs, data quality
    measures/<measure_id>.html      organisation chart and a small multiple per CSU
    csus/<csu_code>.html            every measure for one CSU
    improvement/index.html          the Improvement portfolio and Limits to review
    improvement/<project_id>.html   each active or recently closed QI project
    charts/<measure_id>__<level>__<unit_code>.svg / .png   (a second chart type of the same
                                    measure and unit adds `__<chart_type>`)
    summary.csv                     one row per published.spc_summary row
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from ..permissions import folder_mode
from .data import read_published
from .export import write_summary_csv
from .formatting import slug
from .model_build import build_model
from .pages import chart_svg, environment, page_context, render_csu, render_index, render_measure
from .png import write_pngs
from .png_cache import PngCache
from .portfolio import render_portfolio
from .project_pages import render_project
from .register import IMPROVEMENT_DIR, build_register

# PNGs are rasterised this many at a time (each batch in parallel), so progress can be told.
PNG_BATCH = 120


@dataclass(frozen=True)
class ReportResult:
    report_dir: Path
    index_path: Path
    pages: int
    charts: int
    summary_rows: int
    seconds: float
    png_seconds: float
    pngs_from_cache: int = 0
    notes: list[str] = field(default_factory=list)


def build_report(con: duckdb.DuckDBPyConnection, report_dir: str | Path, *,
                 generated_at: datetime | None = None, png: bool = True,
                 png_workers: int | None = None, png_cache: str | Path | None = None,
                 published=None,
                 progress: Callable[[str, int, int], None] | None = None) -> ReportResult:
    """Render the report from the `published` schema reachable through `con` into `report_dir`
    (or from `published`, already read with `read_published`, when `con` is None). `progress`
    is told (what, done, total) as charts are drawn and rasterised. With `png_cache` (a folder
    of the pipeline's state), a chart whose SVG was rasterised before is copied from there."""
    started = time.perf_counter()
    generated_at = generated_at or datetime.now().replace(microsecond=0)
    report_dir = Path(report_dir).resolve()
    data = published if published is not None else read_published(con)
    model = build_model(data, as_of=generated_at.date())
    register = build_register(data, model)  # also marks interventions on the charts

    report_dir.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned(report_dir)
    tmp = Path(tempfile.mkdtemp(prefix=f".{report_dir.name}.tmp-", dir=report_dir.parent))
    try:
        tmp.chmod(folder_mode())  # mkdtemp makes it 0700; the report is for OUTPUT_PERMISSIONS
        for sub in ("measures", "csus", "charts", IMPROVEMENT_DIR):
            (tmp / sub).mkdir()
        env = environment()
        ctx = page_context(model, generated_at)

        png_jobs = []
        svgs: dict[str, str] = {}
        for chart in model.charts:
            svg = chart_svg(chart, "file")
            svgs[chart.stem] = svg
            path = tmp / "charts" / f"{chart.stem}.svg"
            path.write_text(svg, encoding="utf-8")
            png_jobs.append((svg, path.with_suffix(".png")))
            if progress:
                progress("charts drawn", len(png_jobs), len(model.charts))

        pages = 0
        _write(tmp / "index.html", render_index(env, model, ctx))
        pages += 1
        for measure in model.measures:
            _write(tmp / "measures" / f"{slug(measure.measure_id)}.html",
                   render_measure(env, model, measure, ctx, svgs))
            pages += 1
        for unit in model.csus:
            _write(tmp / "csus" / f"{slug(unit.code)}.html", render_csu(env, model, unit, ctx))
            pages += 1
        _write(tmp / IMPROVEMENT_DIR / "index.html", render_portfolio(env, register, ctx))
        pages += 1
        for project in register.paged:
            _write(tmp / project.page, render_project(env, model, register, project, ctx))
            pages += 1
        summary_rows = write_summary_csv(model.charts, tmp / "summary.csv")

        png_started = time.perf_counter()
        cache = PngCache(png_cache) if png and png_cache is not None else None
        todo = [] if not png else cache.copy_hits(png_jobs) if cache else png_jobs
        for start in range(0, len(todo), PNG_BATCH):  # batches, to say how far it got
            batch = todo[start:start + PNG_BATCH]
            write_pngs(batch, workers=png_workers)
            if cache:
                cache.store(batch)  # batch by batch: a build stopped mid-way keeps what it drew
            if progress:
                progress("charts rasterised (PNG)", min(start + PNG_BATCH, len(todo)), len(todo))
        png_seconds = time.perf_counter() - png_started

        swap_into_place(tmp, report_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if cache:
        cache.prune()  # after publishing: entries this build used were touched, so stay
    return ReportResult(report_dir=report_dir, index_path=report_dir / "index.html",
                        pages=pages, charts=len(png_jobs), summary_rows=summary_rows,
                        seconds=time.perf_counter() - started, png_seconds=png_seconds,
                        pngs_from_cache=len(png_jobs) - len(todo) if cache else 0,
                        notes=list(model.notes))


def _remove_abandoned(report_dir: Path, older_than_seconds: float = 6 * 3600) -> None:
    """Temporary folders of builds killed mid-way (a live build's folder is recent)."""
    now = time.time()
    for path in report_dir.parent.glob(f".{report_dir.name}.tmp-*"):
        try:
            if now - path.stat().st_mtime > older_than_seconds:
                shutil.rmtree(path, ignore_errors=True)
        except FileNotFoundError:
            pass


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def swap_into_place(new_dir: Path, target: Path) -> None:
    """Replace `target` by `new_dir` (same file system): two renames, then tidy up.

    Readers see either the old report or the new one; if the process dies between the renames,
    the old report is still complete beside it (`.<name>.old-*`) and the next run tidies it.
    """
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{uuid.uuid4().hex[:8]}")
        os.replace(target, old)
    os.replace(new_dir, target)
    for leftover in target.parent.glob(f".{target.name}.old-*"):
        shutil.rmtree(leftover, ignore_errors=True)
