"""The impact tables at publication (publish/disclosure.py with publish/judged.py), on real
DuckDB: a verdict resting on a withheld cell publishes no mean, limit, effect or signal period
(its baseline mean and the published cells would give the withheld one back), its rebase
proposal is not published, and the markers are published as they are."""

import datetime as dt

import duckdb
import pytest

from dagster_project.publish.disclosure import REGISTRY, disclose_all

BASE = [10.0, 12.0] * 12
POST = [9.0, 10.0] * 4
WITHHELD = ("Q05", "csu", "ELD", dt.date(2023, 6, 1))  # one baseline month of ELD


def month(i):
    return dt.date(2023 + i // 12, i % 12 + 1, 1)


@pytest.fixture
def con(tmp_path):
    import polars as pl

    from dagster_project.improvement.assets import impact_tables, write_tables

    series = pl.DataFrame([
        {"measure_id": "Q05", "level": "csu", "unit_code": unit, "period": month(i),
         "value": v, "direction": "decrease", "frequency": "month"}
        for unit in ("ELD", "AMS") for i, v in enumerate(BASE + POST)])
    links = pl.DataFrame({"project_id": ["QI-1", "QI-2"], "measure_id": ["Q05", "Q05"],
                          "role": ["outcome", "outcome"], "level": ["csu", "csu"],
                          "unit_code": ["ELD", "AMS"]})
    tables = impact_tables({
        "links": links,
        "projects": pl.DataFrame({"project_id": ["QI-1", "QI-2"],
                                  "intervention_date": [dt.date(2025, 1, 1)] * 2}),
        "changes": pl.DataFrame({"project_id": ["QI-1"], "cycle_no": [1],
                                 "implemented_date": [dt.date(2025, 1, 1)],
                                 "is_adopted": [True]}),
        "spread": pl.DataFrame(schema={"project_id": pl.String, "csu_code": pl.String,
                                       "location_code": pl.String, "adopted_date": pl.Date}),
        "series": series,
        "rebase_dates": pl.DataFrame(schema={"measure_id": pl.String, "level": pl.String,
                                             "unit_code": pl.String, "rebase_date": pl.Date}),
    })
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    write_tables(con, tables)
    con.execute("create schema intermediate")
    con.execute("""create table marts.disclosure_withheld_cells (measure_id varchar,
        level varchar, unit_code varchar, period date, breakdown_type varchar,
        breakdown_value varchar, rule varchar, pass integer)""")
    con.execute("insert into marts.disclosure_withheld_cells values (?, ?, ?, ?, '', '', "
                "'primary', 0)", list(WITHHELD))
    con.execute("create table intermediate.int_disclosure_exposed_groups (group_id bigint)")
    yield con
    con.close()


def _published(con, name):
    [(sql, _)] = disclose_all(con, [(f"spc.{name}", name)])
    cur = con.execute(f"select * from {sql} as t order by all")
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def test_a_verdict_on_a_withheld_cell_publishes_no_figure(con):
    rows = {r["unit_code"]: r for r in _published(con, "qi_impact")}
    eld, ams = rows["ELD"], rows["AMS"]
    assert eld["is_suppressed"] is True and ams["is_suppressed"] is False
    for column in REGISTRY["qi_impact"].values:
        assert eld[column] is None, column
        assert ams[column] is not None, column
    # public: the judgement itself and what it rests on, not any cell's value
    assert eld["verdict"] == ams["verdict"] == "sustained_improvement"
    assert (eld["baseline_points"], eld["post_points"]) == (24, 8)


def test_a_proposal_on_a_withheld_cell_is_not_published(con):
    assert [r["unit_code"] for r in _published(con, "spc_rebase_proposals")] == ["AMS"]


def test_markers_are_published_as_they_are(con):
    assert [(r["unit_code"], r["annotation_date"]) for r in _published(con, "spc_annotations")
            ] == [("ELD", dt.date(2025, 1, 1))]
