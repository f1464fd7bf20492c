"""Each measure's data-quality mark and staleness, as the report shows them (issue 14).

The mark comes from `published.measure_data_quality` (one row per measure and night: six
kite-mark dimensions, each rated pass / warn / fail / unknown with its evidence); the report shows
each measure's latest night as six small squares, one a dimension, whose tooltip and text
alternative carry the evidence, and the measure page lists the evidence in a table. Staleness
comes from `published.scorecard_latest` (`<id>_is_stale`, `<id>_age_days`, one row per unit).
"""

from __future__ import annotations

from collections.abc import Mapping

import duckdb
import polars as pl
from markupsafe import escape

from .palette import FAIL, PASS, UNKNOWN, WARN

DIMENSIONS: tuple[tuple[str, str], ...] = (
    ("timeliness", "Timeliness"), ("completeness", "Completeness"), ("validity", "Validity"),
    ("consistency", "Consistency (checks)"), ("coverage", "Coverage"), ("audited", "Audited"),
)
RATING_COLOURS = {"pass": PASS, "warn": WARN, "fail": FAIL, "unknown": UNKNOWN}
RATING_WORDS = {"pass": "good", "warn": "some concern", "fail": "poor", "unknown": "not known"}
QUALITY_TABLE = "measure_data_quality"
QUALITY_COLUMNS = ("measure_id", "assessed_on", "data_as_of", "overall_rating",
                   "dimensions_passed", *(f"{d}_{part}" for d, _ in DIMENSIONS
                                          for part in ("rating", "evidence")))
STALE_SUFFIX, AGE_SUFFIX = "_is_stale", "_age_days"


def latest_marks(frame: pl.DataFrame) -> dict[str, dict]:
    """Measure id -> its latest night's mark."""
    if frame.is_empty() or "measure_id" not in frame.columns:
        return {}
    latest = frame.sort("assessed_on", nulls_last=False).group_by(
        "measure_id", maintain_order=True).agg(pl.all().last())
    return {str(r["measure_id"]): r for r in latest.to_dicts()}


def read_staleness(con: duckdb.DuckDBPyConnection, schema: str = "published") -> pl.DataFrame:
    """published.scorecard_latest unpivoted: level, unit_code, measure_id, is_stale, age_days
    (empty when the table or its staleness columns are missing)."""
    empty = pl.DataFrame(schema={"level": pl.String, "unit_code": pl.String,
                                 "measure_id": pl.String, "is_stale": pl.Boolean,
                                 "age_days": pl.Int64})
    columns = [r[0] for r in con.execute(
        "select column_name from information_schema.columns where table_schema = ? "
        "and table_name = 'scorecard_latest'", [schema]).fetchall()]
    prefixes = sorted(c[:-len(STALE_SUFFIX)] for c in columns if c.endswith(STALE_SUFFIX)
                      and c[:-len(STALE_SUFFIX)] + AGE_SUFFIX in columns)
    if not prefixes or not {"level", "unit_code"} <= set(columns):
        return empty
    wide = con.sql(f'select * from "{schema}"."scorecard_latest"').pl()
    frames = [wide.select("level", "unit_code", measure_id=pl.lit(p.upper()),
                          is_stale=pl.col(p + STALE_SUFFIX).cast(pl.Boolean),
                          age_days=pl.col(p + AGE_SUFFIX).cast(pl.Int64)) for p in prefixes]
    return pl.concat(frames).cast(empty.schema)


def stale_note(row: Mapping[str, object] | None) -> str:
    """'Stale: latest period ended 91 days before the newest extract' or ''."""
    if not row or not row.get("is_stale"):
        return ""
    age = row.get("age_days")
    return f"Stale: latest period ended {age} days before the newest extract" if age is not None \
        else "Stale: no recent data"


def evidence_rows(mark: Mapping[str, object] | None) -> list[dict]:
    """One row per dimension: label, rating, the rating in words, evidence."""
    if not mark:
        return []
    rows = []
    for key, label in DIMENSIONS:
        rating = str(mark.get(f"{key}_rating") or "unknown")
        rows.append({"dimension": label, "rating": rating,
                     "word": RATING_WORDS.get(rating, rating),
                     "evidence": str(mark.get(f"{key}_evidence") or "")})
    return rows


def mark_text(mark: Mapping[str, object] | None) -> str:
    """The mark in words, for tooltips and screen readers."""
    if not mark:
        return "Data quality: no mark published"
    head = (f"Data quality: {RATING_WORDS.get(str(mark.get('overall_rating')), 'not known')} "
            f"({mark.get('dimensions_passed', 0)} of {len(DIMENSIONS)} dimensions pass)")
    return "\n".join([head] + [f"{r['dimension']}: {r['rating']} - {r['evidence']}"
                               for r in evidence_rows(mark)])


def mark_svg(mark: Mapping[str, object] | None, cell: int = 7) -> str:
    """Six small squares (two rows of three), one a dimension, coloured by its rating; the
    evidence is the tooltip and the text alternative."""
    text = escape(mark_text(mark))
    gap = 2
    width, height = 3 * cell + 2 * gap, 2 * cell + gap
    out = [f'<svg class="dq-mark" xmlns="http://www.w3.org/2000/svg" width="{width}" '
           f'height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="{text}">'
           f'<title>{text}</title>']
    for i, row in enumerate(evidence_rows(mark) or [{"rating": "unknown"}] * len(DIMENSIONS)):
        x, y = (i % 3) * (cell + gap), (i // 3) * (cell + gap)
        out.append(f'<rect x="{x}" y="{y}" width="{cell}" height="{cell}" rx="1.5" '
                   f'fill="{RATING_COLOURS.get(row["rating"], RATING_COLOURS["unknown"])}"/>')
    out.append("</svg>")
    return "".join(out)
