"""Withheld figures in the report: a marked gap with the reason, never a value, in the SVG (and
so the PNG drawn from it), its tooltips, the summary cards and summary.csv."""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET
from datetime import date

import duckdb
import polars as pl
from .conftest import GENERATED_AT, build_frames, subset, write_warehouse

from dagster_project.report.charts import spc_chart
from dagster_project.report.formatting import withheld_reason
from dagster_project.report.render import build_report

SVG = "{http://www.w3.org/2000/svg}"
SECRET = 3.0  # the true value of the withheld point; it must appear nowhere


def _points(withheld_at: set[int]) -> list[dict]:
    return [{"period": date(2024, m, 1), "value": None if m in withheld_at else 7.0 + m % 3,
             "mean": 8.0, "lpl": None if m in withheld_at else 2.0,
             "upl": None if m in withheld_at else 14.0, "target": None, "rebase_group": 0,
             "short_group_warning": False, "point_type": None if m in withheld_at else
             "common_cause", "special_cause_type": None, "is_suppressed": m in withheld_at}
            for m in range(1, 13)]


def test_a_withheld_point_is_a_marked_gap_with_the_reason():
    reason = withheld_reason("small_count")
    assert reason == "withheld: fewer than 5, or to protect one"
    svg = spc_chart(_points({4, 9}), unit="count", chart_id="c", legend=True,
                    withheld_reason=reason)
    root = ET.fromstring(svg)
    gaps = [g for g in root.iter(f"{SVG}g") if g.get("class") == "withheld"]
    assert [g.find(f"{SVG}title").text for g in gaps] == [f"Apr 2024: {reason}",
                                                         f"Sep 2024: {reason}"]
    # the value line breaks at the gap; no point is drawn there
    assert len(root.findall(f".//{SVG}circle[@class='pt common_cause']")) == 10
    assert "Withheld (small numbers)" in svg
    assert f"2 points {reason}." in root.find(f"{SVG}desc").text


def test_a_chart_with_every_point_withheld_says_so():
    points = _points(set(range(1, 13)))
    for p in points:
        p["mean"] = None
    svg = spc_chart(points, unit="score", chart_id="c",
                    withheld_reason=withheld_reason("survey"))
    assert "Every value withheld: fewer than 11 responses, or to protect one" in svg


def test_the_report_and_summary_csv_show_withheld_never_the_value(tmp_path):
    frames = subset(build_frames(n_csus=1), {"Q03"})
    csu = frames["spc_summary"].filter(pl.col("level") == "csu")["unit_code"][0]
    last = frames["spc_points"]["period"].max()
    cell = (pl.col("level") == "csu") & (pl.col("period") == last)
    frames["spc_points"] = frames["spc_points"].with_columns(
        is_suppressed=cell,
        value=pl.when(cell).then(None).otherwise(pl.col("value")))
    frames["spc_summary"] = frames["spc_summary"].with_columns(
        is_suppressed=pl.col("level") == "csu",
        latest_value=pl.when(pl.col("level") == "csu").then(None)
        .otherwise(pl.col("latest_value")))
    frames["dim_measure"] = frames["dim_measure"].with_columns(suppression=pl.lit("small_count"))
    wh = tmp_path / "wh.duckdb"
    write_warehouse(wh, frames)
    con = duckdb.connect(str(wh), read_only=True)
    try:
        report = build_report(con, tmp_path / "report", generated_at=GENERATED_AT, png=False)
    finally:
        con.close()
    with (report.report_dir / "summary.csv").open(newline="", encoding="utf-8") as handle:
        rows = {r["level"]: r for r in csv.DictReader(handle)}
    assert rows["csu"]["latest_value"] == "" and rows["csu"]["latest_value_display"] == "withheld"
    assert rows["csu"]["is_suppressed"] == "true"
    assert rows["organisation"]["latest_value_display"] not in ("", "withheld")
    svg = (report.report_dir / "charts" / f"Q03__csu__{csu}.svg").read_text(encoding="utf-8")
    assert f"{last:%b %Y}: withheld: fewer than 5, or to protect one" in svg
    page = (report.report_dir / "csus" / f"{csu}.html").read_text(encoding="utf-8")
    assert "withheld" in page
