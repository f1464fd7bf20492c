"""The improvement register in `published` and in the report, on the real pipeline run of the
small synthetic trust (the session's `pipeline_run`): the portfolio's figures are the published
register's, every active or recently closed project has its page with each verdict and its
chart, interventions are marked on the CSU and measure pages, every rebase proposal is listed
with its confirmation, and no free text of the register reaches `published` or the report.
"""

from __future__ import annotations

import html as html_lib
import re
from collections import Counter
from datetime import date
from pathlib import Path

import duckdb
import pytest

from dagster_project.improvement.tables import ANNOTATIONS, PROPOSALS, PUBLISHED_IMPACT
from dagster_project.publish.register_tables import FREE_TEXT_COLUMNS, QI_PROJECTS, REGISTER_TABLES
from dagster_project.report.formatting import format_datetime, format_period, slug
from dagster_project.report.register import RECENTLY_CLOSED_DAYS

from ..test_disclosure import _dicts

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def register(pipeline_run):
    env, result = pipeline_run
    assert result.success
    con = duckdb.connect(str(env.warehouse), read_only=True)
    try:
        tables = {name: _dicts(con, f"select * from published.{name}")
                  for name in (*REGISTER_TABLES, PUBLISHED_IMPACT[1], ANNOTATIONS[1],
                               PROPOSALS[1])}
        columns = {name: [r[0] for r in con.execute(
            "select column_name from information_schema.columns where table_schema = "
            "'published' and table_name = ?", [name]).fetchall()] for name in tables}
        # the register's free text, as the warehouse keeps it (never published)
        free_text = {r[0] for r in con.execute(
            "select title from marts.dim_qi_project union select change_idea "
            "from marts.fct_qi_changes union select programme from marts.dim_qi_project "
            "union select measure_name from intermediate.int_qi_measure_series").fetchall()
            if r[0]}
        titles = {r[0]: r[1] for r in con.execute(
            "select project_id, title from marts.dim_qi_project").fetchall()}
        # each chart's first and last period: a marker outside them is not drawn
        tables["chart_periods"] = {(r[0], r[1], r[2]): (r[3], r[4]) for r in con.execute(
            "select measure_id, level, unit_code, min(period), max(period) "
            "from published.spc_points group by all").fetchall()}
        withheld = set(con.execute(
            "select measure_id, level, unit_code, period from marts.disclosure_withheld_cells "
            "where breakdown_type = ''").fetchall())
    finally:
        con.close()
    return env.report, tables, columns, free_text, titles, withheld


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _tag_blocks(html: str, tag: str, attr: str) -> list[tuple[dict, str]]:
    """Each `<tag ... attr=...>...</tag>` block with its data-* attributes."""
    out = []
    for m in re.finditer(rf"<{tag}\b([^>]*\b{attr}=[^>]*)>(.*?)</{tag}>", html, re.S):
        attrs = dict(re.findall(r'(data-[a-z-]+)="([^"]*)"', m.group(1)))
        out.append((attrs, m.group(2)))
    return out


def test_the_register_is_published_without_free_text(register):
    report, tables, columns, free_text, *_ = register
    assert tables[QI_PROJECTS], "no project published"
    for name, cols in columns.items():
        assert cols, f"published.{name} is missing"
        assert not set(cols) & set(FREE_TEXT_COLUMNS), name
    assert len(free_text) > 100
    # neither a title, a change idea, a programme nor a local measure's name is in the report
    pages = [p for p in report.rglob("*") if p.suffix in (".html", ".svg", ".csv")]
    assert any(p.parent.name == "improvement" for p in pages)
    for page in pages:
        text = _read(page)
        leaked = [t for t in free_text if t in text]
        assert not leaked, f"{page.name} shows register free text"


def test_portfolio_figures_are_the_published_registers(register):
    report, tables, *_ = register
    html = _read(report / "improvement" / "index.html")
    projects = tables[QI_PROJECTS]
    active = [p for p in projects if p["is_active"]]
    assert re.search(r'id="n-projects">(\d+)<', html).group(1) == str(len(projects))
    assert re.search(r'id="n-active">(\d+)<', html).group(1) == str(len(active))
    involved = sum(bool(p["patients_involved"] or p["quality_partner_involved"]) for p in active)
    assert re.search(r'id="n-involvement">(\d+)%<', html).group(1) == \
        str(round(100 * involved / len(active)))
    # verdict counts by scope, as published
    impact = tables[PUBLISHED_IMPACT[1]]
    for attrs, row in _tag_blocks(html, "tr", "data-verdict"):
        cells = re.findall(r'<td class="num">(\d+)</td>', row)
        rows = [v for v in impact if v["verdict"] == attrs["data-verdict"]]
        assert cells == [str(sum(v["scope"] == "project" for v in rows)),
                         str(sum(v["scope"] == "project" and v["role"] == "outcome"
                                 for v in rows)),
                         str(sum(v["scope"] == "spread" for v in rows))], attrs
    assert sum(Counter(v["verdict"] for v in impact).values()) == len(impact)
    # projects by CSU: one row per leading CSU, totals adding up to the register
    by_csu = html[html.index('id="stage-by-csu"'):html.index('id="by-goal"')]
    totals = [int(t) for t in re.findall(r'<td class="num"><b>(\d+)</b></td>', by_csu)]
    assert sum(totals) == len(projects)
    assert len(totals) == len({p["csu_code"] for p in projects})


def test_a_page_for_every_active_or_recently_closed_project(register):
    report, tables, *_ = register
    today = date.today()
    expected = {p["project_id"] for p in tables[QI_PROJECTS]
                if p["is_active"] or (p["stage"] in ("closed", "abandoned") and p["end_date"]
                                      and 0 <= (today - p["end_date"]).days
                                      <= RECENTLY_CLOSED_DAYS)}
    pages = {p.stem for p in (report / "improvement").glob("*.html")} - {"index"}
    assert pages == {slug(p) for p in expected}
    assert len(pages) > 20


def test_each_project_page_shows_every_verdict_with_its_chart(register):
    report, tables, _, _, titles, withheld = register
    impact = tables[PUBLISHED_IMPACT[1]]
    checked = gaps = 0
    for page in sorted((report / "improvement").glob("*.html")):
        if page.stem == "index":
            continue
        html = _read(page)
        pid = next(p for p in titles if slug(p) == page.stem)
        rows = {(v["measure_id"], v["unit_code"], v["scope"]): v for v in impact
                if v["project_id"] == pid}
        cards = _tag_blocks(html, "article", "data-verdict")
        assert len(cards) == len(rows), pid
        for attrs, card in cards:
            v = rows[(attrs["data-measure"], attrs["data-unit"], attrs["data-scope"])]
            assert attrs["data-verdict"] == v["verdict"]
            assert 'class="spc-chart"' in card
            # a withheld cell of the series is a gap whose only tooltip is the reason
            tips = [html_lib.unescape(t) for t in re.findall(r"<title>([^<]*)</title>", card)]
            for measure, level, unit, period in withheld:
                if (measure, level, unit) == (attrs["data-measure"], attrs["data-level"],
                                              attrs["data-unit"]):
                    shown = format_period(period, "monthly")
                    assert all("withheld" in t for t in tips if t.startswith(f"{shown}: "))
                    gaps += 1
            if not v["post_points"] or _empty_chart(card):
                continue  # nothing since the change yet, or every value withheld
            # the intervention is marked on the chart, at its date
            when = format_datetime(v["intervention_date"])
            assert re.search(rf'class="intervention [^"]*"[^>]*><title>[^<]*{when}', card), \
                (pid, attrs)
        assert 'id="team"' in html and 'data-flag="quality-partner"' in html
        checked += 1
    assert checked > 20
    assert gaps > 0  # some charts of projects rest on withheld cells


def test_the_planted_falls_project_and_its_spread_read_sustained_improvement(register):
    report, tables, _, _, titles, _ = register
    falls = next(p for p, t in titles.items() if t.startswith("Preventing falls with harm"))
    html = _read(report / "improvement" / f"{slug(falls)}.html")
    cards = _tag_blocks(html, "article", "data-verdict")
    q05 = [(a, c) for a, c in cards if a["data-measure"] == "Q05"]
    assert {a["data-scope"] for a, _ in q05} == {"project", "spread"}
    assert all(a["data-verdict"] == "sustained_improvement" for a, _ in q05)
    project_card = next(c for a, c in q05 if a["data-scope"] == "project")
    assert "Sustained improvement: the first signal after the change was an improvement" in \
        project_card
    assert "01 Apr 2025" in project_card  # the change became standard work in April 2025
    assert 'class="pdsa-timeline"' in html and 'class="implemented"' in html


def _empty_chart(svg: str) -> bool:
    """A chart with nothing to draw (every value withheld, or none): no markers either."""
    return "No data to chart" in svg or "Every value withheld" in svg


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def test_interventions_are_marked_on_csu_and_measure_pages(register):
    report, tables, *_ = register
    marked = 0
    for a in tables[ANNOTATIONS[1]]:
        if a["level"] != "csu":
            continue
        page = report / "csus" / f"{slug(a['unit_code'])}.html"
        cards = [c for attrs, c in _tag_blocks(_read(page), "article", "data-measure")
                 if attrs["data-measure"] == a["measure_id"]]
        first, last = tables["chart_periods"].get(
            (a["measure_id"], a["level"], a["unit_code"]), (None, None))
        if (not cards or _empty_chart(cards[0]) or first is None
                or not first <= a["annotation_date"] < _next_month(last)):
            continue  # no chart of that measure there, or nothing drawn, or the date outside
        assert re.search(rf'class="intervention[^"]*" data-projects="[^"]*'
                         rf'{re.escape(a["project_id"])}', cards[0]), a
        svg = report / "charts" / f"{a['measure_id']}__csu__{slug(a['unit_code'])}.svg"
        assert a["project_id"] in _read(svg)
        marked += 1
    assert marked >= 2  # at least the falls change in ELD and its spread to AMS
    for a in tables[ANNOTATIONS[1]]:
        first, last = tables["chart_periods"].get(
            (a["measure_id"], a["level"], a["unit_code"]), (None, None))
        if a["level"] == "organisation" and first and first <= a["annotation_date"] < \
                _next_month(last):
            assert a["project_id"] in _read(report / "measures" / f"{slug(a['measure_id'])}.html")


def test_limits_to_review_lists_every_proposal_and_its_confirmation(register):
    report, tables, *_ = register
    html = _read(report / "improvement" / "index.html")
    section = html[html.index('id="limits-to-review"'):]
    rows = _tag_blocks(section, "tr", "data-confirmed")
    published = tables[PROPOSALS[1]]
    assert published, "the falls project proposes a rebase"
    assert len(rows) == len(published)
    listed = Counter((a["data-project"], a["data-measure"], a["data-unit"], a["data-confirmed"])
                     for a, _ in rows)
    assert listed == Counter((p["project_id"], p["measure_id"], p["unit_code"],
                              "true" if p["is_confirmed"] else "false") for p in published)
    for attrs, row in rows:
        assert ("Confirmed: rebased" in row) == (attrs["data-confirmed"] == "true")
