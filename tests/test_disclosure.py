"""Disclosure control, end to end: the real pipeline on the small synthetic trust (the session's
`pipeline_run`), then every published output walked - every `published.*` table, its Parquet
file, the BI database, summary.csv and every file of the report - proving that no withheld cell
shows its figure, and that no withheld cell can be derived by subtracting the other published
cells from a published total.

The truth comes from the marts (the warehouse keeps true values); which cells are withheld comes
from the policy table; everything else is read from what a reader of the outputs can see.
"""

from __future__ import annotations

import csv
import html
import math
import re
from collections import defaultdict
from datetime import date
from pathlib import Path

import duckdb
import pytest

from dagster_project.report.formatting import format_period

pytestmark = pytest.mark.integration

KEY = ("measure_id", "level", "unit_code", "period")
# Columns of a published table that are not a figure of the row's own cell: keys and names,
# targets and benchmarks, a chart's centre line and counts of its points (on true values, by
# design), and flags. A numeric column not listed here must be null on a withheld row.
PUBLIC_NUMBERS = {"target", "benchmark_best", "benchmark_average", "benchmark_worst", "mean",
                  "rebase_group", "n_points", "special_cause_improvement",
                  "special_cause_concern", "survey_year", "multiplier", "default_target",
                  # how many of a chart's periods are provisional; an event's number in its chart
                  "provisional_periods", "event_number"}
CLASSIFICATIONS = {"point_type", "special_cause_type", "special_cause_flag", "variation_icon"}


def _connect(env) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(env.warehouse), read_only=True)


def _dicts(con, sql: str, params=()) -> list[dict]:
    cur = con.execute(sql, list(params))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


@pytest.fixture(scope="module")
def disclosure(pipeline_run):
    """The published run, its withheld cells with their true figures, and the published tables."""
    env, result = pipeline_run
    assert result.success
    con = _connect(env)
    try:
        withheld = _dicts(con, """
            select w.*, s.numerator, s.denominator, s.value, s.responses,
                   b.numerator as b_numerator, b.value as b_value, b.responses as b_responses
            from marts.disclosure_withheld_cells as w
            left join marts.fct_scorecard_monthly as s
                on w.breakdown_type = '' and s.measure_id = w.measure_id and s.level = w.level
                and s.unit_code = w.unit_code and s.period = w.period
            left join marts.fct_scorecard_breakdowns as b
                on b.measure_id = w.measure_id and b.level = w.level
                and b.unit_code = w.unit_code and b.period = w.period
                and b.breakdown_type = w.breakdown_type
                and b.breakdown_value = w.breakdown_value""")
        tables = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'published' "
            "order by 1").fetchall()]
    finally:
        con.close()
    cells = {(w["measure_id"], w["level"], w["unit_code"], w["period"]): w
             for w in withheld if w["breakdown_type"] == ""}
    return env, withheld, cells, tables


def test_the_small_trust_has_withheld_cells_of_every_kind(disclosure):
    env, withheld, cells, _ = disclosure
    rules = {w["rule"] for w in withheld}
    assert rules == {"primary", "secondary", "unpublished"}
    csu_counts = [w for w in withheld if w["breakdown_type"] == "" and w["level"] == "csu"
                  and w["rule"] == "primary" and w["numerator"] is not None
                  and 1 <= w["numerator"] <= 4]
    assert len(csu_counts) > 50
    # a zero denominator under a numerator of 1-4 is withheld too
    assert any(w["value"] is None and w["numerator"] and 1 <= w["numerator"] <= 4
               for w in cells.values())
    with _connect(env) as con:
        charted = con.execute("""
            select count(*) from spc.spc_points as p
            inner join marts.disclosure_withheld_cells as w
                on w.breakdown_type = '' and w.measure_id = p.measure_id and w.level = p.level
                and w.unit_code = p.unit_code and w.period = p.period
            where p.value is not null""").fetchone()[0]
    assert charted > 50  # SPC points whose true value would have been published before


def _cell_of(row: dict, table: str) -> tuple | None:
    if table == "spc_summary":
        return (row["measure_id"], row["level"], row["unit_code"], row["latest_period"])
    if all(k in row for k in KEY):
        return tuple(row[k] for k in KEY)
    return None


def _figures_left(row: dict) -> list[str]:
    """The columns of a withheld row that still carry a figure or a classification."""
    left = []
    for column, value in row.items():
        if value is None or column in PUBLIC_NUMBERS or column == "is_suppressed":
            continue
        if column in CLASSIFICATIONS or (
                isinstance(value, (int, float)) and not isinstance(value, bool)):
            left.append(column)
    return left


def _walk(con, tables: list[str], cells: dict, withheld: list[dict], where: str) -> int:
    """Every row of every table: a withheld cell's row shows no figure. Returns rows checked."""
    breakdown_cells = {(w["measure_id"], w["level"], w["unit_code"], w["period"],
                        w["breakdown_type"], w["breakdown_value"]) for w in withheld}
    checked = 0
    for table in tables:
        for row in _dicts(con, f"select * from {where.format(table=table)}"):
            if table == "scorecard_breakdowns":
                held = (row["measure_id"], row["level"], row["unit_code"], row["period"],
                        row["breakdown_type"], row["breakdown_value"]) in breakdown_cells
            elif table == "staff_survey_themes":
                held = bool(row["is_suppressed"])  # keys mapped by dbt; checked below
            else:
                cell = _cell_of(row, table)
                held = cell is not None and cell in cells
            if held:
                assert _figures_left(row) == [], (table, row)
                if "is_suppressed" in row:
                    assert row["is_suppressed"] is True, (table, row)
                checked += 1
    return checked


def test_no_published_table_parquet_file_or_bi_database_shows_a_withheld_figure(disclosure):
    env, withheld, cells, tables = disclosure
    assert {"scorecard_monthly", "scorecard_breakdowns", "spc_points", "spc_summary",
            "spc_signals", "spc_signal_history", "staff_survey_themes"} <= set(tables)
    with _connect(env) as con:
        checked = _walk(con, tables, cells, withheld, "published.{table}")
        assert checked > 1000
        # the only value of a breakdown of the trust's figure, withheld, is not published at all
        # (it would equal the trust's figure); the trust's figures themselves are all published
        unpublished = [w for w in withheld if w["rule"] == "unpublished"]
        assert unpublished and all(con.execute(
            "select count(*) from published.scorecard_breakdowns where measure_id = ? and "
            "level = ? and unit_code = ? and period = ? and breakdown_type = ? and "
            "breakdown_value = ?", [w[k] for k in (*KEY, "breakdown_type", "breakdown_value")]
        ).fetchone()[0] == 0 for w in unpublished)
        assert con.execute("select count(*) from published.scorecard_monthly "
                           "where level = 'organisation' and is_suppressed").fetchone()[0] == 0
        # the Parquet files hold exactly the published tables
        for table in tables:
            parquet = env.publish / table / "data.parquet"
            assert parquet.exists(), table
            for a, b in ((f"read_parquet('{parquet}')", f"published.{table}"),
                         (f"published.{table}", f"read_parquet('{parquet}')")):
                assert con.execute(f"select count(*) from (select * from {a} except all "
                                   f"select * from {b})").fetchone()[0] == 0, table
    bi_database = env.publish / "published.duckdb"
    if bi_database.exists():  # the BI database, where this build writes one
        bi = duckdb.connect(str(bi_database), read_only=True)
        try:
            bi_tables = [r[0] for r in bi.execute(
                "select table_name from information_schema.tables").fetchall()]
            schema = bi.execute("select table_schema from information_schema.tables "
                                "limit 1").fetchone()[0]
            assert _walk(bi, bi_tables, cells, withheld, f"{schema}.{{table}}") == checked
        finally:
            bi.close()


def test_the_wide_latest_table_and_survey_themes_withhold_their_cells(disclosure):
    env, _, cells, _ = disclosure
    with _connect(env) as con:
        latest = _dicts(con, "select * from published.scorecard_latest")
        measures = [r[0] for r in con.execute("select measure_id from published.dim_measure")
                    .fetchall()]
        themes = _dicts(con, """
            select t.*, s.score as true_score, s.responses as true_responses
            from published.staff_survey_themes as t
            inner join marts.fct_staff_survey_scores as s using (survey_year, breakdown_type,
                                                                 breakdown_code, theme_code)""")
    held = 0
    for row in latest:
        for m in measures:
            period = row.get(f"{m.lower()}_period")
            if (m, row["level"], row["unit_code"], period) in cells:
                assert row[f"{m.lower()}_value"] is None and row[f"{m.lower()}_change"] is None
                held += 1
    assert held > 0
    small = [t for t in themes if t["breakdown_type"] != "organisation"
             and t["true_responses"] is not None and t["true_responses"] < 11]
    assert small and all(t["is_suppressed"] and t["score"] is None and t["responses"] is None
                         for t in small)
    # a theme shared with the scorecard (ENGAGEMENT = M02) is withheld in both or neither
    for t in themes:
        if t["measure_id"] and t["breakdown_type"] == "csu":
            cell = (t["measure_id"], "csu", t["breakdown_code"], t["period"])
            assert bool(t["is_suppressed"]) == (cell in cells), t


def _groups_with_one_withheld(members: dict, totals: dict) -> list:
    """Sets whose total is published and exactly one member is withheld: derivable."""
    return [key for key, flags in members.items()
            if sum(flags) == 1 and key in totals and not totals[key]]


def test_no_withheld_cell_can_be_derived_by_subtraction(disclosure):
    env, withheld, cells, _ = disclosure
    with _connect(env) as con:
        scorecard = _dicts(con, "select measure_id, level, unit_code, period, is_suppressed "
                                "from published.scorecard_monthly")
        breakdowns = _dicts(con, "select measure_id, level, unit_code, period, breakdown_type,"
                                 " breakdown_value, is_suppressed "
                                 "from published.scorecard_breakdowns")
        points = _dicts(con, """
            select p.measure_id, p.level, p.unit_code, p.chart_type, p.rebase_group, p.mean,
                   p.is_suppressed, s.value as true_value
            from published.spc_points as p
            left join marts.fct_scorecard_monthly as s using (measure_id, level, unit_code,
                                                              period)""")
        themes = _dicts(con, "select theme_code, period, breakdown_type, is_suppressed "
                             "from published.staff_survey_themes")
    exposed = {}

    # the CSUs of a measure and period add up to the organisation's figure
    members, totals = defaultdict(list), {}
    for r in scorecard:
        key = (r["measure_id"], r["period"])
        if r["level"] == "csu":
            members[key].append(r["is_suppressed"])
        else:
            totals[key] = r["is_suppressed"]
    exposed["csus to organisation"] = _groups_with_one_withheld(members, totals)

    # the values of a breakdown add up to the unit's figure; CSUs' to the organisation's value
    unit_totals = {(r["measure_id"], r["level"], r["unit_code"], r["period"]): r["is_suppressed"]
                   for r in scorecard}
    members, across, across_totals = defaultdict(list), defaultdict(list), {}
    for r in breakdowns:
        unit = (r["measure_id"], r["level"], r["unit_code"], r["period"])
        members[(*unit, r["breakdown_type"])].append(r["is_suppressed"])
        value = (r["measure_id"], r["period"], r["breakdown_type"], r["breakdown_value"])
        if r["level"] == "csu":
            across[value].append(r["is_suppressed"])
        else:
            across_totals[value] = r["is_suppressed"]
    totals = {key: unit_totals[key[:4]] for key in members if key[:4] in unit_totals}
    exposed["breakdown to unit"] = _groups_with_one_withheld(members, totals)
    exposed["breakdown csus to organisation"] = _groups_with_one_withheld(across, across_totals)

    # a chart's published centre line is the mean of its points: one withheld point among
    # published ones would be the centre line times the count, minus the others
    members = defaultdict(list)
    for p in points:
        if p["true_value"] is not None and p["mean"] is not None:
            key = (p["measure_id"], p["level"], p["unit_code"], p["chart_type"],
                   p["rebase_group"])
            members[key].append(p["is_suppressed"])
    exposed["spc series to centre line"] = [k for k, flags in members.items()
                                            if sum(flags) == 1]

    # Staff Survey CSUs add up to the organisation's responses
    members, totals = defaultdict(list), {}
    for t in themes:
        key = (t["theme_code"], t["period"])
        if t["breakdown_type"] == "csu":
            members[key].append(t["is_suppressed"])
        elif t["breakdown_type"] == "organisation":
            totals[key] = t["is_suppressed"]
    exposed["survey csus to organisation"] = _groups_with_one_withheld(members, totals)

    assert {kind: keys[:5] for kind, keys in exposed.items() if keys} == {}
    # and secondary suppression was needed to get there
    assert sum(1 for w in withheld if w["rule"] == "secondary") > 10


def _svg_blocks(text: str) -> list[tuple[str, str]]:
    """Each chart's SVG in a page or file, with its id."""
    return [(m.group(1), m.group(0)) for m in re.finditer(
        r'<svg[^>]*\bclass="spc-chart"[^>]*\bid="([^"]+)".*?</svg>', text, re.S)]


def _chart_cells(cells: dict, frequencies: dict) -> dict[str, dict[str, tuple]]:
    """Chart id (as the report names it) -> {period as shown: cell} of its withheld cells."""
    out: dict[str, dict[str, tuple]] = defaultdict(dict)
    for (measure, level, unit, period) in cells:
        stem = f"c-{measure}__{level}__{unit}".replace(".", "_")
        out[stem][format_period(period, frequencies.get(measure))] = (measure, level, unit,
                                                                      period)
    return out


def test_no_report_file_shows_a_withheld_value(disclosure):
    env, _, cells, _ = disclosure
    with _connect(env) as con:
        frequencies = dict(con.execute("select measure_id, frequency from published.dim_measure")
                           .fetchall())
        suppression = dict(con.execute("select measure_id, suppression "
                                       "from published.dim_measure").fetchall())
    by_chart = _chart_cells(cells, frequencies)
    files = [p for p in Path(env.report).rglob("*") if p.suffix in (".html", ".svg")]
    assert len(files) > 100
    gaps_seen = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        for chart_id, svg in _svg_blocks(text):
            base = re.sub(r"__(?:xmr|p|pp|u|up|c|g|run)$", "", chart_id)
            held = by_chart.get(base, {})
            if "<title>" not in svg.split("</desc>", 1)[-1]:  # no point drawn at all
                assert "Every value withheld" in svg or "No data" in svg, chart_id
                continue
            titles = [html.unescape(t) for t in re.findall(r"<title>([^<]*)</title>", svg)]
            for shown, cell in held.items():
                about = [t for t in titles if t.startswith(f"{shown}: ")]
                # a withheld period's only tooltip is the reason, never a value
                assert about and all("withheld" in t for t in about), (path.name, shown, about)
                gaps_seen += 1
            if path.suffix == ".svg":
                png = path.with_suffix(".png")
                assert png.exists() and png.stat().st_size > 0  # rendered from this SVG
    assert gaps_seen > 50
    # the reason says which rule: counts and survey responses
    assert {suppression[m] for (m, *_rest) in cells if m in suppression} >= {"small_count",
                                                                            "survey"}


def test_summary_csv_shows_no_withheld_value(disclosure):
    env, _, cells, _ = disclosure
    with (Path(env.report) / "summary.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    held = 0
    for r in rows:
        period = date.fromisoformat(r["latest_period"]) if r["latest_period"] else None
        if (r["measure_id"], r["level"], r["unit_code"], period) in cells:
            assert r["latest_value"] == "" and r["latest_value_display"] == "withheld", r
            assert r["lpl"] == "" and r["upl"] == "" and r["variation_icon"] == "", r
            assert r["is_suppressed"] == "true"
            held += 1
        else:
            assert r["latest_value_display"] != "withheld", r
    assert held > 0
    assert all(not (r["latest_value"] and math.isnan(float(r["latest_value"]))) for r in rows)
