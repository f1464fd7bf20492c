"""The synthetic trust's improvement register: about 150 projects across every CSU, goal and
stage, consistent with the rest of the trust, and tied to the planted signals."""

from __future__ import annotations

import datetime as dt
import math
from itertools import pairwise
from pathlib import Path

import duckdb
import pytest

from dagster_project.contracts.extracts import (
    LEAN_WASTES, QI_EVENT_TYPES, QI_PRESENTED_AT, QI_STAGES, STRATEGY_GOALS,
)
from dagster_project.synthetic.signals import FALLS_SPREAD_STEP, FALLS_STEP

REGISTER = ("qi_projects", "qi_project_measures", "qi_measure_values", "qi_changes",
            "qi_spread", "waste_walks", "improvement_events", "org_structure", "waste_schemes")
END = "2026-10-31"


@pytest.fixture(scope="module")
def reg(trust_landing: Path):
    """Each extract as text, with its extract date (`_date`) from the file name."""
    con = duckdb.connect()
    for name in REGISTER:
        con.execute(
            f"create table {name} as select *, strptime(regexp_extract(filename, "
            f"'_(\\d{{8}})\\.csv$', 1), '%Y%m%d')::date as _date from read_csv("
            f"'{trust_landing}/{name}/{name}_*.csv', all_varchar=true, filename=true)")
    for name in ("qi_projects", "qi_project_measures", "qi_changes", "qi_spread"):
        con.execute(f"create view {name}_now as select * from {name} where _date = '{END}'")
    return con


def rows(con, sql: str, *params) -> list[tuple]:
    return con.execute(sql, list(params)).fetchall()


def test_about_150_projects_across_every_csu_goal_and_stage(reg):
    csus = {c for (c,) in rows(reg, "select distinct csu_code from org_structure")}
    now = rows(reg, "select project_id, csu_code, strategy_goal, stage from qi_projects_now")
    assert 130 <= len(now) <= 170
    assert {r[1] for r in now} == csus and len(csus) == 18
    assert {r[2] for r in now} == set(STRATEGY_GOALS)
    assert {r[3] for r in now} == set(QI_STAGES)
    # every project links at least one measure; projects that tested something have cycles
    assert rows(reg, "select count(*) from qi_projects_now p where not exists (select 1 from "
                     "qi_project_measures_now m where m.project_id = p.project_id)") == [(0,)]
    assert rows(reg, "select count(*) from qi_projects_now p where stage in ('implementing', "
                     "'spreading', 'sustaining') and not exists (select 1 from qi_changes_now c "
                     "where c.project_id = p.project_id and c.decision = 'adopt' and "
                     "c.implemented_date is not null)") == [(0,)]
    weekly = rows(reg, "select count(distinct project_id) from qi_measure_values "
                       "where frequency = 'week'")[0][0]
    assert weekly >= 60
    assert rows(reg, "select count(distinct project_id) from qi_spread_now "
                     "where status in ('adopted', 'sustained')")[0][0] >= 5


def test_stage_history_moves_forward_snapshot_by_snapshot(reg):
    order = {s: i for i, s in enumerate(QI_STAGES)}
    history: dict[str, list[str]] = {}
    for pid, stage in rows(reg, "select project_id, stage from qi_projects order by _date"):
        history.setdefault(pid, []).append(stage)
    assert len(history) >= 130
    assert all(order[b] >= order[a] or b == "abandoned" for h in history.values()
               for a, b in pairwise(h))
    assert sum(len(set(h)) > 1 for h in history.values()) >= 50  # seen changing stage
    assert len(rows(reg, "select distinct _date from qi_projects")) == 36


def test_consistent_with_the_rest_of_the_trust(reg):
    org = "select csu_code from org_structure"
    for table in ("qi_projects_now", "qi_spread", "waste_walks"):
        assert rows(reg, f"select count(*) from {table} where csu_code not in ({org})") == [(0,)]
    # a waste project's scheme is a scheme of its CSU with the same waste
    assert rows(reg, """select count(*) from qi_projects_now p where scheme_id is not null and
        not exists (select 1 from waste_schemes s where s.scheme_id = p.scheme_id
                    and s.csu_code = p.csu_code and s.waste_type = p.waste_type)""") == [(0,)]
    assert rows(reg, "select count(*) from qi_projects_now where strategy_goal = 'waste' "
                     "and scheme_id is not null")[0][0] >= 5
    assert {w for (w,) in rows(reg, "select distinct waste_type from waste_walks")} == set(
        LEAN_WASTES)
    # every month has waste walks; actions never complete beyond those raised
    assert len(rows(reg, "select distinct _date from waste_walks")) == 36
    assert rows(reg, "select count(*) from waste_walks where actions_completed::int > "
                     "actions_raised::int") == [(0,)]
    # every event type; the projects presented exist; presented_at agrees with the events
    assert {t for (t,) in rows(reg, "select distinct event_type from improvement_events")} == set(
        QI_EVENT_TYPES)
    presented = rows(reg, """select e.event_type, e.event_date::date, p.project_id,
        p.presented_at from improvement_events e,
        unnest(string_split(e.projects_presented, ';')) as u(pid)
        join qi_projects_now p on p.project_id = u.pid""")
    total = rows(reg, "select count(*) from improvement_events e, unnest(string_split("
                      "e.projects_presented, ';')) as u(pid)")[0][0]
    assert len(presented) == total > 50
    rank = {v: i for i, v in enumerate(QI_PRESENTED_AT)}
    assert all(rank[at] >= rank["report_out"] for _t, _d, _p, at in presented)


def test_the_planted_falls_project_and_its_spread(reg):
    (pid, csu, stage), = rows(reg, "select project_id, csu_code, stage from qi_projects_now "
                                   "where project_id = 'QI-0001'")
    assert (csu, stage) == (FALLS_STEP.csu_code, "sustaining")
    # the intervention date of the spec: the earliest implemented date of its adopted changes
    assert rows(reg, "select min(implemented_date) from qi_changes_now where project_id = "
                     "'QI-0001' and decision = 'adopt'") == [(FALLS_STEP.month + "-01",)]
    assert ("Q05", "outcome", "csu", FALLS_STEP.csu_code) in rows(
        reg, "select measure_id, role, level, unit_code from qi_project_measures_now "
             "where project_id = 'QI-0001'")
    assert rows(reg, "select csu_code, status, adopted_date from qi_spread_now where "
                     "project_id = 'QI-0001' and adopted_date is not null") == [
        (FALLS_SPREAD_STEP.csu_code, "sustained", FALLS_SPREAD_STEP.month + "-01")]
    # before the change spread, the register did not show it there
    assert rows(reg, "select status from qi_spread where project_id = 'QI-0001' and csu_code = "
                     "? and _date = '2025-08-31'", FALLS_SPREAD_STEP.csu_code) == [("planned",)]


def test_the_trauma_experience_project_is_too_recent_to_judge(reg):
    (csu, start, stage), = rows(reg, "select csu_code, start_date, stage from qi_projects_now "
                                     "where project_id = 'QI-0002'")
    assert csu == "TRS" and start >= "2026-01-01" and stage == "testing"
    # no adopted change yet, so its intervention is its first PDSA start: under 7 months ago
    assert rows(reg, "select count(*) from qi_changes_now where project_id = 'QI-0002' and "
                     "implemented_date is not null") == [(0,)]
    (first,), = rows(reg, "select min(pdsa_start) from qi_changes_now where project_id = "
                          "'QI-0002'")
    months_after = (2026 - int(first[:4])) * 12 + 10 - int(first[5:7]) + 1
    assert months_after < 7
    assert rows(reg, "select measure_id, level, unit_code from qi_project_measures_now where "
                     "project_id = 'QI-0002'") == [("S01", "csu", "TRS")]


def xmr_signals(base: list[float], post: list[float]) -> list[str]:
    """The four rules of docs/spc.md on `post` against `base`'s limits (any direction)."""
    mean = math.fsum(base) / len(base)
    mr = [abs(b - a) for a, b in pairwise(base)]
    amr = math.fsum(mr) / len(mr)
    amr = math.fsum(r for r in mr if r <= 3.267 * amr) / len([r for r in mr if r <= 3.267 * amr])
    sigma = 2.66 * amr / 3
    found = []
    if any(abs(v - mean) > 3 * sigma for v in post):
        found.append("limit")
    side = [(v > mean) - (v < mean) for v in post]
    if any(len(set(side[i:i + 7])) == 1 and side[i] != 0 for i in range(len(post) - 6)):
        found.append("shift")
    for i in range(len(post) - 6):
        w = post[i:i + 7]
        if all(b > a for a, b in pairwise(w)) or all(b < a for a, b in pairwise(w)):
            found.append("trend")
    for i in range(len(post) - 2):
        w = post[i:i + 3]
        if sum(v - mean > 2 * sigma for v in w) >= 2 or sum(mean - v > 2 * sigma for v in w) >= 2:
            found.append("two_of_three")
    return found


def test_the_project_whose_change_made_no_difference(reg):
    (stage, end), = rows(reg, "select stage, end_date from qi_projects_now "
                              "where project_id = 'QI-0003'")
    assert stage == "closed" and end is not None
    (day,), = rows(reg, "select min(implemented_date) from qi_changes_now "
                        "where project_id = 'QI-0003'")
    series = rows(reg, "select period, numerator::double / denominator::double from "
                       "qi_measure_values where project_id = 'QI-0003' and measure_code = "
                       "'L-MEDREC_24H' order by period")
    week = dt.date.fromisoformat(day) - dt.timedelta(days=dt.date.fromisoformat(day).weekday())
    base = [v for p, v in series if p < week.isoformat()][-24:]
    post = [v for p, v in series if p >= week.isoformat()]
    assert len(base) == 24 and len(post) >= 7
    assert xmr_signals(base, post) == []
    # while the falls project's own measure did move
    lsbp = rows(reg, "select period, numerator::double / denominator::double from "
                     "qi_measure_values where measure_code = 'L-LSBP_DONE' order by period")
    assert xmr_signals([v for p, v in lsbp if p < "2025-03-31"][-24:],
                       [v for p, v in lsbp if p >= "2025-03-31"])
