"""Rare events in the report: the g chart of days between events sits beside the monthly count
(never instead of it), the board summary says how many days since the last event, and a chart
draws its limits inside the measure's natural range while the tables keep the exact limits."""

from __future__ import annotations

import csv
from datetime import date, timedelta

import duckdb
import polars as pl

from dagster_project.report import build_report
from dagster_project.report.chart_series import natural_range
from dagster_project.report.charts import spc_chart

from .conftest import GENERATED_AT, ORG, build_frames, subset, write_warehouse

EVENTS = [date(2024, 4, 2) + timedelta(days=23 * i) for i in range(14)]  # last: 2025-01-26


def _with_event_chart(frames: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """The Q03 organisation count chart with an exact LCL below zero, and its g chart."""
    frames = dict(frames)
    q03_org = (pl.col("measure_id") == "Q03") & (pl.col("level") == "organisation")
    # the fixture's own Q03 g chart is one of months: the engine's is one of events
    for table in ("spc_points", "spc_summary"):
        frames[table] = frames[table].filter(~(q03_org & (pl.col("chart_type") == "g")))
    frames["spc_points"] = frames["spc_points"].with_columns(
        pl.when(q03_org).then(pl.lit(-0.9)).otherwise(pl.col("lpl")).alias("lpl"))
    frames["spc_summary"] = frames["spc_summary"].with_columns(
        pl.when(q03_org).then(pl.lit(-0.9)).otherwise(pl.col("lpl")).alias("lpl"))
    template = frames["spc_points"].filter(q03_org).head(1)
    g_points = pl.concat([
        template.with_columns(
            chart_type=pl.lit("g"), period=pl.lit(d), event_number=pl.lit(i + 1, pl.Int64),
            value=pl.lit(None if i == 0 else 23.0, pl.Float64), mean=pl.lit(23.0),
            lpl=pl.lit(0.0), upl=pl.lit(95.5), target=pl.lit(None, pl.Float64),
            rebase_group=pl.lit(0, pl.Int64), point_type=pl.lit("common_cause"),
            special_cause_type=pl.lit("Common Cause"), special_cause_flag=pl.lit(False),
            improvement_direction=pl.lit("increase"))
        for i, d in enumerate(EVENTS)], how="diagonal_relaxed")
    frames["spc_points"] = pl.concat([frames["spc_points"], g_points], how="diagonal_relaxed")
    g_summary = frames["spc_summary"].filter(q03_org).head(1).with_columns(
        chart_type=pl.lit("g"), latest_period=pl.lit(EVENTS[-1]), latest_value=pl.lit(23.0),
        mean=pl.lit(23.0), lpl=pl.lit(0.0), upl=pl.lit(95.5), target=pl.lit(None, pl.Float64),
        direction=pl.lit("increase"), last_event_date=pl.lit(EVENTS[-1]),
        days_since_last_event=pl.lit(27, pl.Int64))
    frames["spc_summary"] = pl.concat([frames["spc_summary"], g_summary],
                                      how="diagonal_relaxed")
    return frames


def _build(tmp_path, frames):
    wh = tmp_path / "wh.duckdb"
    write_warehouse(wh, frames)
    con = duckdb.connect(str(wh), read_only=True)
    try:
        return build_report(con, tmp_path / "report", generated_at=GENERATED_AT, png=False)
    finally:
        con.close()


def test_the_g_chart_sits_beside_the_count_and_the_board_says_days_since_the_last_event(
        tmp_path):
    frames = _with_event_chart(subset(build_frames(n_csus=1), {"Q03", "D02"}))
    result = _build(tmp_path, frames)
    index = (result.report_dir / "index.html").read_text(encoding="utf-8")
    row = index[index.index('<tr id="m-Q03"'):]
    row = row[:row.index("</tr>")]
    assert '<span class="small note-line days-since">27 days since the last event ' \
           '(26 Jan 2025)</span>' in row
    assert "days since" not in index[index.index('<tr id="m-D02"'):]
    # the board's Q03 row is the count chart's: its exact lower limit, not the g chart's
    assert "−0.9" in row
    charts = result.report_dir / "charts"
    primary = (charts / f"Q03__organisation__{ORG}.svg").read_text(encoding="utf-8")
    assert 'class="limit' in primary and "LPL 0" in primary and "LPL −0.9" not in primary
    g_svg = (charts / f"Q03__organisation__{ORG}__g.svg").read_text(encoding="utf-8")
    assert g_svg.count('<circle class="pt ') == len(EVENTS) - 1  # the first has no interval
    page = (result.report_dir / "measures" / "Q03.html").read_text(encoding="utf-8")
    assert "g chart" in page
    with (result.report_dir / "summary.csv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["measure_id"] == "Q03"
                and r["level"] == "organisation"]
    by_type = {r["chart_type"]: r for r in rows}
    assert by_type["g"]["days_since_last_event"] == "27"
    assert by_type["g"]["last_event_date"] == "2025-01-26"
    assert by_type["c"]["days_since_last_event"] == ""
    assert float(by_type["c"]["lpl"]) == -0.9  # the table keeps the exact limit


def test_limits_are_drawn_inside_the_natural_range():
    assert natural_range("count", "xmr") == (0.0, None)
    assert natural_range("rate", "u") == (0.0, None)
    assert natural_range("percent", "p") == (0.0, 1.0)
    assert natural_range("count", "g") == (0.0, None)
    assert natural_range("percent", "xmr") == (None, None)  # e.g. savings against plan
    assert natural_range("gbp", "xmr") == (None, None)
    points = [{"period": date(2024, m, 1), "value": v, "mean": 0.2, "lpl": -0.9, "upl": 1.3,
               "rebase_group": 0, "point_type": "common_cause"}
              for m, v in zip(range(1, 13), [0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0])]
    exact = spc_chart(points, unit="count", chart_id="x")
    clipped = spc_chart(points, unit="count", chart_id="x", natural_range=(0.0, None))
    assert "LPL −0.9" in exact and "LPL −0.9" not in clipped and "LPL 0" in clipped
    assert "UPL 1.3" in clipped
    proportions = [dict(p, value=0.95, mean=0.97, lpl=0.9, upl=1.04) for p in points]
    drawn = spc_chart(proportions, unit="percent", chart_id="y", natural_range=(0.0, 1.0))
    assert "UPL 100.0%" in drawn and "UPL 104" not in drawn
