"""Files for board papers: each chart as SVG and PNG, and the summary as CSV."""

from __future__ import annotations

import csv
import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import date, datetime
from pathlib import Path

from cairosvg.parser import Tree
from cairosvg.surface import PNGSurface
from PIL import Image

from .formatting import format_value
from .model import Chart

PNG_SCALE = 2.0  # 900 x 380 SVG -> 1800 x 760 PNG, sharp when printed
PNG_COLOURS = 64  # charts use a handful of colours: a palette PNG is ~3x smaller and faster


def svg_to_png(svg: str, png_path: str, scale: float = PNG_SCALE) -> None:
    """Rasterise with cairosvg, then save as a palette PNG with Pillow (cairosvg's own
    dependency); cairo's 32-bit PNG writer is most of the cost of a chart otherwise."""
    surface = PNGSurface(Tree(bytestring=svg.encode("utf-8")), None, 96, scale=scale).cairo
    surface.flush()
    image = Image.frombuffer("RGBA", (surface.get_width(), surface.get_height()),
                             surface.get_data(), "raw", "BGRA", surface.get_stride(), 1)
    image.convert("RGB").quantize(colors=PNG_COLOURS, method=Image.Quantize.FASTOCTREE).save(
        png_path, format="PNG")


def _convert_all(jobs: Sequence[tuple[str, str]]) -> None:
    for svg, png_path in jobs:
        svg_to_png(svg, png_path)


def write_pngs(jobs: Sequence[tuple[str, Path]], workers: int | None = None) -> None:
    """(svg text, png path) pairs, converted in a few processes (cairosvg holds the GIL).

    Workers are forked (a fork server or spawn would re-import the caller's main module);
    they only run cairosvg and Pillow, already imported here, never DuckDB.
    """
    work = [(svg, str(path)) for svg, path in jobs]
    if not work:
        return
    workers = workers or min(8, os.cpu_count() or 1)
    if workers <= 1 or len(work) < 40:
        _convert_all(work)
        return
    chunks = [work[i::workers] for i in range(workers)]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for future in [pool.submit(_convert_all, chunk) for chunk in chunks]:
            future.result()


SUMMARY_COLUMNS = (
    "measure_id", "measure_name", "domain", "level", "unit_code", "unit_name", "chart_type",
    "direction", "n_points", "latest_period", "latest_value", "latest_value_display", "target",
    "target_display", "mean", "lpl", "upl", "variation_icon", "assurance_icon",
    "special_cause_improvement", "special_cause_concern", "short_group_warning",
    "is_suppressed", "last_event_date", "days_since_last_event",
)


def _csv_value(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return value


def write_summary_csv(charts: Sequence[Chart], path: Path) -> int:
    """One row per row of `published.spc_summary`, with names and display values added (a
    withheld latest value is empty, its display 'withheld')."""
    rows = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(SUMMARY_COLUMNS)
        for c in charts:
            if not c.in_summary:
                continue
            s = c.summary
            record = {
                "measure_id": c.measure.measure_id, "measure_name": c.measure.name,
                "domain": c.measure.domain, "level": c.level, "unit_code": c.unit.code,
                "unit_name": c.unit.name, "chart_type": c.chart_type,
                "direction": s.get("direction"), "n_points": s.get("n_points"),
                "latest_period": s.get("latest_period"), "latest_value": s.get("latest_value"),
                "latest_value_display": c.fmt("latest_value"),
                "target": s.get("target"),
                "target_display": format_value(s.get("target"), c.measure.unit),
                "mean": s.get("mean"), "lpl": s.get("lpl"), "upl": s.get("upl"),
                "variation_icon": s.get("variation_icon"),
                "assurance_icon": s.get("assurance_icon"),
                "special_cause_improvement": s.get("special_cause_improvement"),
                "special_cause_concern": s.get("special_cause_concern"),
                "short_group_warning": s.get("short_group_warning"),
                "is_suppressed": bool(s.get("is_suppressed")),
                "last_event_date": s.get("last_event_date"),
                "days_since_last_event": s.get("days_since_last_event"),
            }
            writer.writerow([_csv_value(record[k]) for k in SUMMARY_COLUMNS])
            rows += 1
    return rows
