"""Structure of the generated report: every measure and CSU, icons as published, tooltips, files."""

from __future__ import annotations

import csv
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import duckdb
import polars as pl
import pytest

from dagster_project.report import build_report
from dagster_project.report.formatting import slug

from .conftest import GENERATED_AT, ORG, build_frames, subset, write_warehouse

SVG = "{http://www.w3.org/2000/svg}"


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _row(html: str, row_id: str) -> str:
    start = html.index(f'<tr id="{row_id}"')
    return html[start:html.index("</tr>", start)]


def _primary(summary: pl.DataFrame, catalogue: pl.DataFrame) -> pl.DataFrame:
    """The chart each page shows for a measure and unit: the catalogue's chart type."""
    return summary.join(catalogue.select("measure_id", pl.col("chart_type").alias("cat")),
                        on="measure_id").filter(pl.col("chart_type") == pl.col("cat"))


def test_report_writes_expected_files(report, published_frames):
    root = report.report_dir
    csus = published_frames["dim_csu"]["csu_code"].unique().to_list()
    measures = published_frames["dim_measure"]["measure_id"].to_list()
    assert (root / "index.html").is_file()
    assert sorted(p.stem for p in (root / "measures").glob("*.html")) == sorted(measures)
    assert sorted(p.stem for p in (root / "csus").glob("*.html")) == sorted(csus)
    # the board summary, a page per measure and per CSU, the Improvement portfolio (this
    # fixture publishes no register, so no project page)
    assert (root / "improvement" / "index.html").is_file()
    assert report.pages == 1 + len(measures) + len(csus) + 1
    assert not list(root.parent.glob(".report.tmp-*")), "temporary folder left behind"


def test_every_measure_and_csu_is_on_the_board_summary(report, published_frames):
    html = _read(report.index_path)
    for row in published_frames["dim_measure"].iter_rows(named=True):
        assert f'href="measures/{row["measure_id"]}.html"' in html
        assert row["measure_name"].replace("&", "&amp;").replace("'", "&#39;") in html
    for code, name in published_frames["dim_csu"].select("csu_code", "csu_name").unique().rows():
        assert f'href="csus/{code}.html"' in html
        assert name.replace("'", "&#39;") in html
    # grouped by domain, in the scorecard's order
    positions = [html.index(f'id="domain-{d}"')
                 for d in ("quality", "delivery", "service", "morale", "cost")]
    assert positions == sorted(positions)


def test_board_summary_icons_match_spc_summary(report, published_frames):
    html = _read(report.index_path)
    org = _primary(published_frames["spc_summary"], published_frames["dim_measure"]).filter(
        pl.col("level") == "organisation")
    assert org.height == 24  # every measure with an SPC chart
    for row in org.iter_rows(named=True):
        tr = _row(html, f"m-{row['measure_id']}")
        assert f'data-variation="{row["variation_icon"]}"' in tr
        assert f'class="icon icon-variation" data-variation="{row["variation_icon"]}"' in tr
        expected = row["assurance_icon"] or "none"
        assert f'class="icon icon-assurance" data-assurance="{expected}"' in tr


def test_measures_without_spc_show_latest_value_against_target(report):
    html = _read(report.index_path)
    for mid in ("M02", "M08"):
        tr = _row(html, f"m-{mid}")
        assert "No SPC chart" in tr
        assert 'data-variation="none"' in tr  # the empty "not assessed" icon
        assert "6.80" in tr  # the benchmark, as a score
    assert (report.report_dir / "charts" / f"M02__organisation__{ORG}.svg").is_file()


def test_measure_pages_show_each_csu_with_its_icons(report, published_frames):
    summary = _primary(published_frames["spc_summary"], published_frames["dim_measure"])
    for (mid,), frame in summary.partition_by("measure_id", as_dict=True).items():
        html = _read(report.report_dir / "measures" / f"{mid}.html")
        assert f'class="spc-chart" id="c-{mid}__organisation__{ORG}"' in html
        for row in frame.filter(pl.col("level") == "csu").iter_rows(named=True):
            m = re.search(rf'<article class="card" data-csu="{row["unit_code"]}" '
                          r'data-variation="([^"]*)" data-assurance="([^"]*)">', html)
            assert m, f"{mid}: no card for {row['unit_code']}"
            assert m.group(1) == row["variation_icon"]
            assert m.group(2) == (row["assurance_icon"] or "")
            assert f'href="../csus/{row["unit_code"]}.html"' in html


def test_csu_pages_show_all_their_measures(report, published_frames):
    summary = _primary(published_frames["spc_summary"], published_frames["dim_measure"])
    for (code,), frame in summary.filter(pl.col("level") == "csu").partition_by(
            "unit_code", as_dict=True).items():
        html = _read(report.report_dir / "csus" / f"{code}.html")
        found = re.findall(r'<article class="card" data-measure="([^"]+)" '
                           r'data-variation="([^"]*)"', html)
        expected = {(r["measure_id"], r["variation_icon"]) for r in frame.iter_rows(named=True)}
        assert expected <= set(found)
        assert {"M02", "M08"} <= {m for m, _ in found}  # survey measures shown too


def test_point_tooltips_name_the_rule_that_fired(report, published_frames):
    points = published_frames["spc_points"].filter(
        (pl.col("level") == "organisation") & pl.col("special_cause_flag")
        & (pl.col("chart_type") != "g"))
    assert points.height > 10
    for (mid,), frame in points.partition_by("measure_id", as_dict=True).items():
        svg = _read(report.report_dir / "charts" / f"{mid}__organisation__{ORG}.svg")
        titles = re.findall(r'<circle class="pt [^"]+"[^>]*><title>([^<]+)</title>', svg)
        for rule in frame["special_cause_type"].unique().to_list():
            assert sum(rule in t for t in titles) == frame.filter(
                pl.col("special_cause_type") == rule).height, (mid, rule)
        assert any("Common cause" in t for t in titles)


def test_charts_are_written_as_svg_and_png_for_every_summary_row(report, published_frames):
    charts = report.report_dir / "charts"
    summary = published_frames["spc_summary"]
    primary = _primary(summary, published_frames["dim_measure"])
    for row in primary.iter_rows(named=True):
        stem = f"{row['measure_id']}__{row['level']}__{slug(row['unit_code'])}"
        svg, png = charts / f"{stem}.svg", charts / f"{stem}.png"
        assert svg.is_file() and png.is_file(), stem
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        root = ET.fromstring(_read(svg))  # well-formed, with a text alternative
        assert root.find(f"{SVG}title").text
        assert root.find(f"{SVG}desc").text
    # the organisation's second chart type of Q03 (g chart) gets its own file
    assert (charts / f"Q03__organisation__{ORG}__g.svg").is_file()
    n_no_spc = published_frames["scorecard_monthly"].select(
        "measure_id", "level", "unit_code").unique().height
    assert len(list(charts.glob("*.svg"))) == summary.height + n_no_spc == report.charts
    assert len(list(charts.glob("*.png"))) == report.charts


def test_summary_csv_has_one_row_per_summary_row(report, published_frames):
    with (report.report_dir / "summary.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    summary = published_frames["spc_summary"]
    assert len(rows) == summary.height == report.summary_rows
    got = {(r["measure_id"], r["level"], r["unit_code"], r["chart_type"], r["variation_icon"])
           for r in rows}
    want = set(summary.select("measure_id", "level", "unit_code", "chart_type",
                              "variation_icon").rows())
    assert got == want
    d02 = next(r for r in rows if r["measure_id"] == "D02" and r["level"] == "organisation")
    assert d02["latest_value_display"].endswith("%")


def test_signals_and_data_quality_panels(report, published_frames):
    html = _read(report.index_path)
    signals = published_frames["spc_signals"]
    assert signals.height > 0
    assert html.count('<tr data-measure=') == signals.height
    assert f"{signals.height} points newly flagged" in html
    for extract in published_frames["data_quality"]["extract"].to_list():
        assert f"<td>{extract}</td>" in html
    for asset in published_frames["check_summary"]["asset_key"].to_list():
        assert f"<td>{asset}</td>" in html
    assert "st-warn" in html  # a warning check and a stale extract are flagged
    assert "124 days" in html  # staff survey extract age on 3 Apr 2025


def test_pages_are_self_contained(report):
    for page in [report.index_path, *report.report_dir.glob("*/*.html")]:
        html = _read(page)
        assert "<script" not in html
        assert not re.search(r'(src|href)="(https?:)?//', html), page
        assert "@import" not in html and "url(" not in html
        assert not re.search(r'<(img|link|iframe|object|embed)\b', html), page


def test_output_is_deterministic(tmp_path, warehouse):
    outputs = []
    for name in ("a", "b"):
        con = duckdb.connect(str(warehouse), read_only=True)
        try:
            build_report(con, tmp_path / name, generated_at=GENERATED_AT, png=False)
        finally:
            con.close()
        outputs.append({p.relative_to(tmp_path / name): p.read_bytes()
                        for p in (tmp_path / name).rglob("*") if p.is_file()})
    assert outputs[0] == outputs[1]


def _build(tmp_path: Path, frames: dict[str, pl.DataFrame] | None, **kwargs):
    wh = tmp_path / "wh.duckdb"
    if frames is None:
        duckdb.connect(str(wh)).close()
    else:
        write_warehouse(wh, frames)
    con = duckdb.connect(str(wh), read_only=True)
    try:
        return build_report(con, tmp_path / "report", generated_at=GENERATED_AT, png=False,
                            **kwargs)
    finally:
        con.close()


def test_no_new_signals_says_none(tmp_path):
    result = _build(tmp_path, build_frames(n_csus=2, with_signals=False))
    html = _read(result.index_path)
    assert "None: no new special causes since the last run." in html
    assert '<table class="signals">' not in html


def test_empty_tables_render_none_messages(tmp_path):
    frames = build_frames(n_csus=1)
    empty = {name: frame.head(0) for name, frame in frames.items()}
    result = _build(tmp_path, empty)
    html = _read(result.index_path)
    for text in ("None: no new special causes", "None: no check results published",
                 "None: no extract loads published", "None: no Clinical Service Units"):
        assert text in html
    assert result.charts == 0 and result.summary_rows == 0


def test_missing_published_schema_still_renders(tmp_path):
    result = _build(tmp_path, None)
    html = _read(result.index_path)
    assert "published.spc_summary is missing" in html
    assert result.pages == 2  # the board summary and the (empty) Improvement portfolio


def test_csu_with_location_history_appears_once(report):
    html = _read(report.index_path)
    assert html.count('data-csu="CSU01"') == 1


def test_a_failed_build_leaves_the_previous_report(tmp_path, monkeypatch):
    frames = build_frames(n_csus=1)
    first = _build(tmp_path, frames)
    before = _read(first.index_path)

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("dagster_project.report.render.render_csu", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        _build(tmp_path, frames)
    assert _read(first.index_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report", "wh.duckdb"]


def test_unchanged_charts_reuse_their_png(tmp_path, monkeypatch):
    wh = tmp_path / "wh.duckdb"
    write_warehouse(wh, subset(build_frames(n_csus=1), {"D02", "Q03", "M02"}))
    out = tmp_path / "report"

    def build():
        con = duckdb.connect(str(wh), read_only=True)
        try:
            return build_report(con, out, generated_at=GENERATED_AT,
                                png_cache=tmp_path / "png_cache")
        finally:
            con.close()

    first = build()
    png = out / "charts" / f"D02__organisation__{ORG}.png"
    before = png.read_bytes()
    calls = []
    monkeypatch.setattr("dagster_project.report.render.write_pngs",
                        lambda jobs, workers=None: calls.append(list(jobs)))
    second = build()
    assert [job for batch in calls for job in batch] == []  # nothing left to rasterise
    assert png.read_bytes() == before
    assert len(list((out / "charts").glob("*.png"))) == first.charts == second.charts
    assert second.pngs_from_cache == second.charts


def test_run_chart_without_limits_and_effective_chart_type(tmp_path):
    """The engine may publish another chart type than the catalogue's (a `run` chart until 12
    points, XmR for u/c at trust level) and charts without limits: still one chart, drawn."""
    frames = subset(build_frames(n_csus=1), {"M01", "D02"})
    no_limits = {"lpl": None, "upl": None}
    frames["spc_points"] = frames["spc_points"].with_columns(
        pl.when(pl.col("measure_id") == "M01").then(pl.lit("run")).otherwise(
            pl.col("chart_type")).alias("chart_type"),
        *(pl.when(pl.col("measure_id") == "M01").then(pl.lit(v, dtype=pl.Float64)).otherwise(
            pl.col(k)).alias(k) for k, v in no_limits.items()),
        pl.when(pl.col("measure_id") == "M01").then(pl.lit(None, dtype=pl.Utf8)).otherwise(
            pl.col("point_type")).alias("point_type"))
    frames["spc_summary"] = frames["spc_summary"].with_columns(
        pl.when(pl.col("measure_id") == "M01").then(pl.lit("run")).otherwise(
            pl.col("chart_type")).alias("chart_type"),
        *(pl.when(pl.col("measure_id") == "M01").then(pl.lit(v, dtype=pl.Float64)).otherwise(
            pl.col(k)).alias(k) for k, v in no_limits.items()))
    result = _build(tmp_path, frames)
    html = _read(result.report_dir / "measures" / "M01.html")
    assert f'id="c-M01__organisation__{ORG}"' in html
    row = _row(_read(result.index_path), "m-M01")
    assert row.count(">–<") >= 2  # no limits to show
    svg = _read(result.report_dir / "charts" / f"M01__organisation__{ORG}.svg")
    assert 'class="limit' not in svg and svg.count('<circle class="pt common_cause"') == 8


def test_measure_pages_name_the_charts_they_draw_at_each_level(report, published_frames):
    """A page never says "chart: u" above the organisation's XmR chart: it names, by level,
    the chart types its published charts really are."""
    summary = published_frames["spc_summary"]
    for (mid,), frame in summary.partition_by("measure_id", as_dict=True).items():
        html = _read(report.report_dir / "measures" / f"{mid}.html")
        for level, where in (("organisation", "organisation"), ("csu", "CSUs")):
            for kind in frame.filter(pl.col("level") == level)["chart_type"].unique():
                label = "XmR" if kind == "xmr" else kind
                assert re.search(rf"charts: [^<]*{re.escape(label)} \([^)]*{where}", html), \
                    f"{mid}: the page does not name its {label} chart at {level} level"
        assert "chart: " not in html
