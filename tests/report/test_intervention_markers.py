"""Intervention markers on SPC charts and the impact chart of a project page: pure functions on
small hand-made series (the pipeline's own run is in test_improvement_pages.py)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

from dagster_project.report.charts import spc_chart
from dagster_project.report.markers import Marker, marker_slots, period_start
from dagster_project.report.project_pages import impact_points, pdsa_timeline

from .conftest import months

SVG = "{http://www.w3.org/2000/svg}"


def _series(n: int = 30, first: date = date(2023, 1, 1)) -> list[dict]:
    return [{"period": p, "value": 10.0 + (i % 3), "mean": 11.0, "lpl": 8.0, "upl": 14.0,
             "rebase_group": 0, "point_type": "common_cause"}
            for i, p in enumerate(months(first, n))]


def test_period_start_of_a_week_month_and_quarter():
    assert period_start(date(2025, 4, 17), "monthly") == date(2025, 4, 1)
    assert period_start(date(2025, 4, 17), "week") == date(2025, 4, 14)  # a Thursday
    assert period_start(date(2025, 5, 17), "quarterly") == date(2025, 4, 1)


def test_a_marker_sits_at_the_period_that_contains_its_date():
    periods = months(date(2024, 1, 1), 12)
    inside = Marker(date(2024, 4, 15), "change_adopted", "QI-0001")
    before = Marker(date(2023, 6, 1), "change_adopted", "QI-0002")
    after = Marker(date(2025, 2, 1), "spread_adopted", "QI-0003")
    assert marker_slots(periods, [inside, before, after], "monthly") == {3: [inside]}


def test_chart_draws_each_intervention_with_its_tooltip_and_legend():
    pts = _series()
    markers = [Marker(date(2024, 4, 1), "change_adopted", "QI-0001", "PDSA cycle 2"),
               Marker(date(2024, 4, 20), "spread_adopted", "QI-0007", "whole CSU")]
    svg = spc_chart(pts, unit="rate", chart_id="t", legend=True, markers=markers)
    root = ET.fromstring(svg)
    groups = [g for g in root.iter(f"{SVG}g") if "intervention" in (g.get("class") or "")]
    assert len(groups) == 1  # both fall in April 2024: one line, one tooltip
    assert groups[0].get("data-projects") == "QI-0001 QI-0007"
    tip = groups[0].find(f"{SVG}title").text
    assert "QI-0001: change adopted, PDSA cycle 2, 01 Apr 2024" in tip
    assert "QI-0007: spread adopted, whole CSU, 20 Apr 2024" in tip
    # the line is at the start of April 2024 (the 16th of 30 periods), as a rebase line would be
    line = groups[0].find(f"{SVG}line")
    plain = ET.fromstring(spc_chart(pts, unit="rate", chart_id="t", legend=True))
    assert not [g for g in plain.iter(f"{SVG}g") if "intervention" in (g.get("class") or "")]
    assert "Intervention" in svg and "Intervention" not in spc_chart(pts, unit="rate",
                                                                     legend=True)
    circles = [c for c in root.iter(f"{SVG}circle") if "pt" in (c.get("class") or "")]
    x14, x15 = float(circles[14].get("cx")), float(circles[15].get("cx"))
    assert abs(float(line.get("x1")) - (x14 + x15) / 2) < 0.11


def test_impact_points_are_the_baseline_window_and_every_point_since():
    series = _series(40)  # Jan 2023 .. Apr 2026
    series[5]["value"] = None  # a null period is not a point
    impact = {"intervention_date": date(2025, 4, 9), "baseline_points": 24,
              "baseline_mean": 11.0, "baseline_lpl": 8.0, "baseline_upl": 14.0,
              "post_mean": 10.2, "verdict": "sustained_improvement",
              "first_signal_period": date(2025, 6, 1), "is_suppressed": False}
    pts = impact_points(series, impact, "monthly", target=9.0)
    periods = [p["period"] for p in pts]
    # 24 valued points before April 2025: back to March 2023, past the null June 2023
    assert periods[0] == date(2023, 3, 1) and periods[-1] == date(2026, 4, 1)
    baseline = [p for p in pts if p["period"] < date(2025, 4, 1)]
    assert sum(p["value"] is not None for p in baseline) == 24 and len(baseline) == 25
    assert all(p["mean"] == 11.0 for p in baseline)
    post = [p for p in pts if p["period"] >= date(2025, 4, 1)]
    assert len(post) == 13 and all(p["mean"] == 10.2 and p["upl"] == 14.0 for p in post)
    flagged = [p["period"] for p in pts if p["point_type"] != "common_cause"]
    assert flagged == [date(2025, 6, 1)]
    assert all(p["target"] == 9.0 for p in pts)


def test_a_withheld_verdict_draws_no_means_or_limits():
    impact = {"intervention_date": date(2024, 4, 1), "baseline_points": 12,
              "baseline_mean": None, "baseline_lpl": None, "baseline_upl": None,
              "post_mean": None, "verdict": "no_significant_change", "is_suppressed": True}
    pts = impact_points(_series(), impact, "monthly")
    assert pts and all(p["mean"] is None and p["lpl"] is None and p["upl"] is None for p in pts)
    assert [p["value"] for p in pts] == [p["value"] for p in _series()[3:]]


def test_pdsa_timeline_has_a_bar_per_cycle_and_a_diamond_per_adopted_change():
    changes = [{"cycle_no": 1, "pdsa_start": date(2024, 1, 8), "pdsa_end": date(2024, 2, 5),
                "decision": "adapt", "implemented_date": None},
               {"cycle_no": 2, "pdsa_start": date(2024, 2, 12), "pdsa_end": None,
                "decision": "adopt", "implemented_date": date(2024, 4, 1)}]
    root = ET.fromstring(pdsa_timeline(changes, date(2024, 6, 1)))
    classes = [g.get("class") for g in root.iter(f"{SVG}g")]
    assert classes == ["cycle adapt", "cycle adopt", "implemented"]
    assert pdsa_timeline([], date(2024, 6, 1)) == ""
