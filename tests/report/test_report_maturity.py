"""The report shows what issue 14 publishes: provisional points hollow with a note, a stale
measure flagged with its age, and a data-quality mark beside each measure with its evidence (on
hover and in a table on the measure page). Built from the fixture's published schema plus the
issue's columns and tables."""

from __future__ import annotations

import duckdb
import polars as pl
import pytest

from dagster_project.report import build_report
from dagster_project.report.chart_text import PROVISIONAL_LABEL
from dagster_project.report.charts import spc_chart
from dagster_project.report.quality_mark import DIMENSIONS

from .conftest import CATALOGUE, GENERATED_AT, ORG, write_warehouse

EVIDENCE = "120 of 600 rows of fft_responses quarantined in the last 92 days (20.0%)."


def _with_issue_14(frames: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    frames = dict(frames)
    points = frames["spc_points"]
    last = points["period"].max()
    provisional = (pl.col("measure_id") == "Q06") & (pl.col("period") == last)
    frames["spc_points"] = points.with_columns(
        is_provisional=provisional,
        provisional_reason=pl.when(provisional).then(pl.lit("maturing")),
        point_type=pl.when(provisional).then(pl.lit("provisional"))
        .otherwise(pl.col("point_type")))
    summary = frames["spc_summary"]
    frames["spc_summary"] = summary.with_columns(
        provisional_periods=pl.when(pl.col("measure_id") == "Q06").then(1).otherwise(0),
        provisional_from=pl.when(pl.col("measure_id") == "Q06").then(pl.lit(last)))
    marks = []
    for measure_id, *_ in CATALOGUE:
        mark = {"measure_id": measure_id, "assessed_on": GENERATED_AT.date(),
                "data_as_of": GENERATED_AT.date(), "overall_rating": "pass",
                "dimensions_passed": 6}
        for d, _label in DIMENSIONS:
            mark[f"{d}_rating"] = "pass"
            mark[f"{d}_evidence"] = f"{d} is fine."
        if measure_id == "S01":
            mark.update(validity_rating="fail", validity_evidence=EVIDENCE,
                        overall_rating="fail", dimensions_passed=5)
        marks.append(mark)
    frames["measure_data_quality"] = pl.DataFrame(marks)
    wide = {"level": "organisation", "unit_code": ORG, "unit_name": ORG}
    for measure_id, *_ in CATALOGUE:
        prefix = measure_id.lower()
        wide[f"{prefix}_is_stale"] = measure_id == "C02"
        wide[f"{prefix}_age_days"] = 92 if measure_id == "C02" else 0
    frames["scorecard_latest"] = pl.DataFrame([wide])
    return frames


@pytest.fixture(scope="module")
def issue_report(tmp_path_factory, published_frames):
    root = tmp_path_factory.mktemp("issue14")
    write_warehouse(root / "warehouse.duckdb", _with_issue_14(published_frames))
    con = duckdb.connect(str(root / "warehouse.duckdb"), read_only=True)
    try:
        build_report(con, root / "report", generated_at=GENERATED_AT, png=False)
    finally:
        con.close()
    return root / "report"


def _page(report, measure_id: str) -> str:
    [page] = [p for p in (report / "measures").glob("*.html")
              if p.stem.lower() == measure_id.lower()]
    return page.read_text(encoding="utf-8")


def test_a_provisional_point_is_hollow_with_a_note(issue_report):
    page = _page(issue_report, "Q06")
    assert page.count('class="pt provisional"') >= 1
    assert PROVISIONAL_LABEL in page  # the legend
    assert "provisional (still maturing" in page  # the point's tooltip
    assert "not yet complete, drawn hollow, not judged" in page  # the note
    index = (issue_report / "index.html").read_text(encoding="utf-8")
    assert "onwards provisional" in index or "provisional: not yet complete" in index


def test_a_stale_measure_is_flagged_with_its_age(issue_report):
    index = (issue_report / "index.html").read_text(encoding="utf-8")
    assert "Stale: latest period ended 92 days before the newest extract" in index
    assert index.count("Stale: latest period ended") == 2  # the summary row and the panel
    assert "Stale:" in _page(issue_report, "C02") and "Stale:" not in _page(issue_report, "C01")


def test_every_measure_carries_its_data_quality_mark_and_evidence(issue_report):
    index = (issue_report / "index.html").read_text(encoding="utf-8")
    assert index.count('class="dq-mark"') >= 2 * len(CATALOGUE)  # summary rows and the panel
    assert EVIDENCE in index  # on hover (the mark's title) and in the panel
    page = _page(issue_report, "S01")
    assert 'id="data-quality"' in page and EVIDENCE in page
    assert "Data quality: poor (5 of 6 dimensions pass)" in page


def test_a_chart_without_provisional_points_has_no_provisional_legend():
    points = [{"period": f"2025-{m:02d}-01", "value": float(m), "mean": 6.0, "lpl": 0.0,
               "upl": 12.0, "point_type": "common_cause", "rebase_group": 0} for m in range(1, 13)]
    assert PROVISIONAL_LABEL not in spc_chart(points, chart_id="c", legend=True, unit="count")
    points[-1] |= {"is_provisional": True, "provisional_reason": "maturing"}
    svg = spc_chart(points, chart_id="c", legend=True, unit="count")
    assert PROVISIONAL_LABEL in svg and 'class="pt provisional"' in svg
