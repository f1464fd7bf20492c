"""SPC charts as SVG: MDC colours, limits per rebase group, trial limits, tooltips, text."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date

from dagster_project.report.charts import chart_data, spc_chart
from dagster_project.report.sparkline import sparkline

SVG = "{http://www.w3.org/2000/svg}"


def _points(n=20, *, rebase_at=None, short=False, target=0.9, none_at=()):
    pts = []
    for i in range(n):
        group = 1 if rebase_at is not None and i >= rebase_at else 0
        kind, rule = "common_cause", "Common Cause"
        if i == n - 1:
            kind, rule = "special_cause_improvement", "Above UCL"
        if i == 3:
            kind, rule = "special_cause_concern", "Below LCL"
        if i == 5:
            kind, rule = "special_cause_neutral_high", "2 in 3 Above CL"
        pts.append({
            "period": date(2023 + (i + 3) // 12, (i + 3) % 12 + 1, 1),
            "value": None if i in none_at else 0.85 + (i % 5) * 0.01,
            "mean": 0.87 + 0.02 * group, "lpl": 0.82 + 0.02 * group,
            "upl": 0.92 + 0.02 * group, "target": target, "rebase_group": group,
            "short_group_warning": short and group == 1, "special_cause_type": rule,
            "point_type": kind,
        })
    return pts


def test_chart_is_wellformed_with_text_alternative():
    svg = spc_chart(_points(), unit="percent", chart_id="t1", alt_title="D02 A&E: Trust")
    root = ET.fromstring(svg)
    assert root.get("aria-labelledby") == "t1-title t1-desc"
    assert root.find(f"{SVG}title").text == "D02 A&E: Trust"
    desc = root.find(f"{SVG}desc").text
    assert desc.startswith("20 points from Apr 2023 to Nov 2024.")
    assert "Mean 87.0%" in desc and "Process limits 82.0% to 92.0%" in desc
    assert "Special-cause points: 1 improvement, 1 concern, 1 neutral." in desc
    assert "Target 90.0%" in desc


def test_points_coloured_and_tooltips_name_the_rule():
    root = ET.fromstring(spc_chart(_points(), unit="percent"))
    circles = [c for c in root.iter(f"{SVG}circle") if "pt" in (c.get("class") or "")]
    assert len(circles) == 20
    fills = {c.get("class").split()[1]: c.get("fill") for c in circles}
    assert fills == {"common_cause": "#a6a6a6", "special_cause_improvement": "#00b0f0",
                     "special_cause_concern": "#e46c0a", "special_cause_neutral_high": "#490092"}
    titles = [c.find(f"{SVG}title").text for c in circles]
    assert titles[3] == "Jul 2023: 88.0% – Below LCL (concern); target 90.0%"
    assert titles[-1].startswith("Nov 2024: 89.0% – Above UCL (improvement)")
    assert titles[0].startswith("Apr 2023: 85.0% – Common cause")


def test_lines_follow_mdc_conventions():
    root = ET.fromstring(spc_chart(_points(), unit="percent"))
    paths = {p.get("class"): p for p in root.iter(f"{SVG}path")}
    assert paths["target"].get("stroke") == "#de1b1b" and paths["target"].get("stroke-dasharray")
    assert paths["limit"].get("stroke") == "#a6a6a6" and paths["limit"].get("stroke-dasharray")
    assert paths["mean"].get("stroke-dasharray") is None  # solid


def test_rebase_splits_limits_and_marks_the_boundary():
    svg = spc_chart(_points(24, rebase_at=12), unit="percent")
    root = ET.fromstring(svg)
    assert len([p for p in root.iter(f"{SVG}path") if p.get("class") == "mean"]) == 2
    assert len([p for p in root.iter(f"{SVG}path") if p.get("class") == "limit"]) == 4
    rebase = [g for g in root.iter(f"{SVG}g") if g.get("class") == "rebase"]
    assert len(rebase) == 1
    assert "from Apr 2024" in rebase[0].find(f"{SVG}title").text


def test_trial_limits_are_dotted_and_labelled():
    svg = spc_chart(_points(20, rebase_at=12, short=True), unit="percent")
    root = ET.fromstring(svg)
    trial = [p for p in root.iter(f"{SVG}path") if p.get("class") == "limit trial"]
    assert len(trial) == 2 and all(p.get("stroke-dasharray") == "1.5 3" for p in trial)
    assert "trial limits" in svg
    assert "Trial process limits" in root.find(f"{SVG}desc").text


def test_missing_values_break_the_line_and_draw_no_point():
    root = ET.fromstring(spc_chart(_points(none_at=(10,)), unit="percent"))
    assert len([c for c in root.iter(f"{SVG}circle") if "pt" in (c.get("class") or "")]) == 19
    assert len([p for p in root.iter(f"{SVG}polyline")]) == 2


def test_empty_and_nan_inputs_do_not_crash():
    assert "No data to chart" in spc_chart([], unit="rate")
    nan = [{"period": date(2024, 1, 1), "value": float("nan"), "mean": float("nan"),
            "lpl": float("nan"), "upl": float("nan"), "target": None}]
    ET.fromstring(spc_chart(nan, unit="rate"))
    ET.fromstring(sparkline([], unit="rate"))
    ET.fromstring(spc_chart(_points(1), unit="percent", compact=True))


def test_output_is_deterministic_and_order_independent():
    pts = _points(24, rebase_at=12)
    assert spc_chart(pts, unit="percent") == spc_chart(list(reversed(pts)), unit="percent")


def test_text_is_escaped():
    svg = spc_chart(_points(), unit="percent", title="A&E <4h>", subtitle='"x"')
    ET.fromstring(svg)
    assert "A&amp;E &lt;4h&gt;" in svg


def test_sparkline_marks_latest_point():
    svg = sparkline(_points(), unit="percent", label="D02 trend")
    root = ET.fromstring(svg)
    assert root.get("aria-label").startswith("D02 trend: 20 points from Apr 2023 to Nov 2024")
    assert re.search(r'r="2.8" fill="#00b0f0"', svg)


def test_an_all_zero_chart_has_one_label_for_lines_that_read_the_same():
    """Never events in a quiet year: mean, limits and target are all 0. One label says so,
    instead of four stacked on one line."""
    pts = [{"period": date(2025, m, 1), "value": 0.0, "mean": 0.0, "lpl": 0.0, "upl": 0.0,
            "target": 0.0, "rebase_group": 0, "short_group_warning": False,
            "special_cause_type": "Common Cause", "point_type": "common_cause"}
           for m in range(1, 13)]
    root = ET.fromstring(spc_chart(pts, unit="count"))
    right = [t.text for t in root.iter(f"{SVG}text")
             if t.text and re.search(r"\b(Mean|UPL|LPL|Target)\b", t.text)
             and not t.get("class")]
    right = [t for t in right if t.endswith(" 0")]
    assert right == ["Target = UPL = Mean = LPL 0"]


def test_a_chart_drawn_at_several_sizes_from_its_data_read_once_is_the_same_chart():
    pts = _points(30, rebase_at=20, short=True, none_at=(7,))
    options = dict(unit="percent", frequency="monthly", no_spc_reason=None,
                   withheld_reason="withheld", natural_range=(0.0, 1.0))
    data = chart_data(pts, **options)
    for size in (dict(width=900, height=380, legend=True, title="T"),
                 dict(width=320, height=150, compact=True)):
        assert spc_chart(pts, data=data, **options, **size) == spc_chart(pts, **options, **size)
