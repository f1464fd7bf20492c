"""The synthetic trust looks like a large acute trust: shapes in plausible bands.

Incidents, activity and FFT keep the full trust's size whatever `staff` is; workforce and
training follow `staff` (400 in the session landing).
"""

from __future__ import annotations

import numpy as np
import pytest

from dagster_project.contracts.extracts import CSTF_COMPETENCES
from dagster_project.synthetic.periods import Month, month_range
from dagster_project.synthetic.reference import build_roster, build_world
from dagster_project.synthetic.training import build_training_state, improvement_training
from dagster_project.synthetic.trust import build_trust

from .conftest import TRUST_ARGS


@pytest.fixture(scope="module")
def con(trust_db):
    return trust_db


def one(con, sql, params=None):
    return con.execute(sql, params or {}).fetchone()


def test_about_3000_incidents_reported_a_month(con):
    (per_month,) = one(con, "select count(*) / 36.0 from incidents")
    assert 2_500 < per_month < 3_500


def test_harm_mix(con):
    shares = dict(con.execute(
        "select physical_harm, count(*) * 1.0 / sum(count(*)) over () from incidents "
        "where is_patient_safety = 'Y' group by 1").fetchall())
    assert 0.62 < shares["none"] < 0.74
    assert 0.20 < shares["low"] < 0.30
    assert 0.04 < shares["moderate"] < 0.08
    assert 0.005 < shares["severe"] + shares["fatal"] < 0.02


def test_category_mix_and_flags(con):
    falls, medication, ps, imd, ethnic = one(con, """
        select avg((category = 'patient_accident' and subcategory = 'fall')::int),
               avg((category = 'medication')::int), avg((is_patient_safety = 'Y')::int),
               avg((patient_imd_decile is not null)::int) filter (is_patient_safety = 'Y'),
               avg((patient_ethnic_group is not null)::int) filter (is_patient_safety = 'Y')
        from incidents""")
    assert 0.19 < falls < 0.30
    assert 0.07 < medication < 0.13
    assert 0.8 < ps < 0.97
    assert imd > 0.8 and ethnic > 0.8


def test_never_events_are_rare(con):
    per_year = [n for (n,) in con.execute(
        "select count(*) from incidents where is_never_event = 'Y' "
        "group by year(incident_date::date)").fetchall()]
    assert sum(per_year) >= 2 and max(per_year) <= 10


def test_reporting_and_closure_timeliness(con):
    (d01,) = one(con, "select avg((reported_date::date - incident_date::date <= 2)::int) "
                      "from incidents")
    assert 0.75 < d01 < 0.87
    (q06,) = one(con, """select avg((status = 'closed' and closed_date::date - reported_date::date
                          <= 30)::int) from incidents where reported_date < '2026-09-01'""")
    assert 0.80 < q06 < 0.92


def test_learning_responses_for_moderate_harm_some_late(con):
    with_lr, total = one(con, """select count(learning_response), count(*) from incidents
        where is_patient_safety = 'Y' and physical_harm in ('moderate', 'severe', 'fatal')""")
    assert with_lr / total > 0.85
    late, done = one(con, """select sum((learning_response_completed::date >
        learning_response_due::date)::int), count(learning_response_completed) from incidents""")
    assert 0.1 < late / done < 0.4


def test_incidents_are_re_emitted_when_regraded_or_closed(con):
    (regraded,) = one(con, """select count(*) from (select incident_id from incidents_raw
        group by 1 having count(distinct physical_harm) > 1)""")
    assert regraded > 300
    (low_to_severe,) = one(con, """select count(*) from (select incident_id,
        arg_min(physical_harm, last_modified::timestamp) as first,
        arg_max(physical_harm, last_modified::timestamp) as last
        from incidents_raw group by 1) where first in ('none', 'low') and last = 'severe'""")
    assert low_to_severe > 0
    (closed_later,) = one(con, """select count(*) from (select incident_id from incidents_raw
        group by 1 having count(*) > 1 and bool_or(status = 'closed')
        and bool_or(status <> 'closed'))""")
    assert closed_later > 10_000
    (newer_is_later,) = one(con, """select bool_and(lm_rank = file_rank) from (select
        dense_rank() over (partition by incident_id order by last_modified) lm_rank,
        dense_rank() over (partition by incident_id order by filename) file_rank
        from incidents_raw)""")
    assert newer_is_later


def test_activity_and_ae(con):
    rows = con.execute("""select csu_code, sum(occupied_bed_days::int) / 36,
        sum(ae_attendances::int), sum(ae_within_4h::int) * 1.0 / nullif(sum(ae_attendances::int),
        0) from activity group by 1""").fetchall()
    ae = {c: (n, p) for c, _bd, n, p in rows}
    assert {c for c, (n, _) in ae.items() if n > 0} == {"EMS", "CHI"}
    assert 0.70 < ae["EMS"][1] < 0.80
    assert 35_000 < sum(bd for _c, bd, _n, _p in rows) < 60_000
    assert sum(1 for _c, bd, _n, _p in rows if bd == 0) >= 3  # no beds: null rates


def test_fft(con):
    shares = {s: (pos, rr, n) for s, pos, rr, n in con.execute("""
        select setting, sum(very_good::int + good::int) * 1.0 / sum(total_responses::int),
               sum(total_responses::int) * 1.0 / sum(total_eligible::int), count(*) / 36.0
        from fft_responses group by 1""").fetchall()}
    assert 0.93 < shares["inpatient"][0] < 0.97
    assert 0.75 < shares["ae"][0] < 0.85
    assert 0.20 < shares["inpatient"][1] < 0.30
    assert 120 < sum(n for _p, _r, n in shares.values()) < 300


def test_workforce_sums_to_the_headcount(con):
    first, last = [h for _m, h in con.execute(
        "select month, sum(headcount::int) from workforce group by 1 order by 1").fetchall()][
        ::35]
    staff = TRUST_ARGS["staff"]
    assert abs(first - staff) <= 0.05 * staff and abs(last - staff) <= 0.15 * staff
    (fte_ok,) = one(con, "select bool_and(fte::double <= headcount::int) from workforce")
    assert fte_ok


def test_mandatory_training(con):
    (compliance,) = one(con, """select avg((status = 'compliant')::int) from mandatory_training
        where required = 'Y'""")
    assert 0.80 < compliance < 0.95
    per_person = dict(con.execute("""select n, count(*) from (select snapshot_date, person_key,
        count(*) filter (competence_code like 'CSTF_%') n from mandatory_training group by 1, 2)
        group by 1""").fetchall())
    assert set(per_person) == {len(CSTF_COMPETENCES)}
    (local,) = one(con, "select count(*) from mandatory_training where competence_code "
                        "like 'LOCAL_%'")
    assert local > 0
    names = [n for (n,) in con.execute(
        "select distinct competence_name from mandatory_training").fetchall()]
    assert "NHS|CSTF|Fire Safety - 2 Years|" in names
    keys = [k for (k,) in con.execute(
        "select distinct person_key from mandatory_training").fetchall()]
    assert all(len(k) == 16 and int(k, 16) >= 0 for k in keys)


def test_improvement_training_at_full_trust_size():
    trust = build_trust(42, 0, national=False)
    world = build_world(42, trust, month_range(Month.parse("2026-10"), 36))
    roster = build_roster(world)
    state = build_training_state(world, roster)
    frames = [df for _d, df in improvement_training(world, roster, state)]
    per_year = [sum(df.height for df in frames[i:i + 12]) for i in range(0, 36, 12)]
    assert all(2_000 <= n <= 5_000 for n in per_year), per_year
    qp = sum(int((df["is_quality_partner"] == "Y").sum()) for df in frames)
    assert 30 < qp < 600
    assert all((df["hours"] > 0).all() and (df["hours"] <= 200).all() for df in frames)


def test_waste(con, trust_landing):
    (schemes,) = one(con, f"""select count(distinct scheme_id) from
        read_csv('{trust_landing}/waste_schemes/*.csv', all_varchar=true)""")
    assert 300 <= schemes <= 1_000
    per_year, negatives, delivery = one(con, """select count(*) / 3.0,
        sum((actual_gbp::double < 0)::int),
        sum(actual_gbp::double) / sum(plan_gbp::double) from waste_savings""")
    assert 3_000 < per_year < 7_000
    assert negatives > 0 and 0.75 < delivery < 1.0


def test_staff_survey_and_pulse(con):
    years = [y for (y,) in con.execute(
        "select distinct survey_year from staff_survey_scores order by 1").fetchall()]
    assert years == ["2023", "2024", "2025"]
    lo, hi, small, types = one(con, """select min(score::double), max(score::double),
        sum((responses::int < 11)::int), count(distinct breakdown_type)
        from staff_survey_scores""")
    assert 5.5 <= lo and hi <= 7.5 and small > 0 and types == 3
    items = con.execute("select count(distinct item), count(distinct csu_code) from "
                        "pulse_survey").fetchone()
    assert items == (9, 18)


def test_fft_shares_differ_between_csus(con):
    by_csu = np.array([p for _c, p in con.execute("""select csu_code,
        sum(very_good::int + good::int) * 1.0 / sum(total_responses::int) from fft_responses
        where setting = 'inpatient' group by 1""").fetchall()])
    assert by_csu.std() > 0.003  # CSUs differ: charts per CSU are not copies
