"""Provisional periods and staleness in the scorecard (issue 14), on a generated trust loaded and
built for real (tests/maturity_trust.py): the newest month of a measure whose values are not yet
complete is provisional in marts.fct_scorecard_monthly and the published scorecard, with its
reason; a later extract matures it; a stopped extract makes its measures stale."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.maturity_trust import (
    AS_OF,
    LATER_INCIDENTS,
    NEWEST_MONTH,
    STOPPED_AFTER,
    query,
    trust_state,
)

pytestmark = pytest.mark.integration
MAY = dt.date(2025, 5, 1)


def _org_rows(warehouse, relation: str, measures: tuple[str, ...]) -> dict:
    ids = ", ".join(f"'{m}'" for m in measures)
    rows = query(warehouse, f"""
        select measure_id, period, is_provisional, provisional_reason, matures_on, data_as_of
        from {relation} where level = 'organisation' and measure_id in ({ids})""")
    return {(r["measure_id"], r["period"]): r for r in rows.to_dicts()}


def test_immature_periods_are_provisional_with_their_reason(tmp_path_factory):
    warehouse = trust_state("delivered", tmp_path_factory)
    rows = _org_rows(warehouse, "marts.fct_scorecard_monthly",
                     ("Q01", "Q06", "Q07", "D01", "S01", "D02"))
    # Q06 waits 30 days for closures (+1 day extract lag): June and May (31 days) still open
    assert rows[("Q06", NEWEST_MONTH)]["provisional_reason"] == "maturing"
    assert rows[("Q06", NEWEST_MONTH)]["matures_on"] == dt.date(2025, 7, 31)
    assert rows[("Q06", MAY)]["is_provisional"]
    assert not rows[("Q06", dt.date(2025, 4, 1))]["is_provisional"]
    # Q01 counts by incident month: late reports still to come
    assert rows[("Q01", NEWEST_MONTH)]["is_provisional"]
    # Q07 and D01: only the extract lag
    for measure in ("Q07", "D01"):
        assert rows[(measure, NEWEST_MONTH)]["provisional_reason"] == "maturing"
        assert not rows[(measure, MAY)]["is_provisional"]
    # monthly returns are complete when delivered
    for measure in ("S01", "D02"):
        assert not rows[(measure, NEWEST_MONTH)]["is_provisional"]
        assert rows[(measure, NEWEST_MONTH)]["provisional_reason"] is None
    assert {r["data_as_of"] for r in rows.values()} == {AS_OF}


def test_the_published_scorecard_marks_provisional_periods(tmp_path_factory):
    warehouse = trust_state("delivered", tmp_path_factory)
    rows = _org_rows(warehouse, "publish_candidate.scorecard_monthly", ("Q06",))
    assert rows[("Q06", NEWEST_MONTH)]["is_provisional"]
    assert rows[("Q06", NEWEST_MONTH)]["provisional_reason"] == "maturing"


def test_a_later_extract_matures_the_period(tmp_path_factory):
    warehouse = trust_state("matured", tmp_path_factory)
    rows = _org_rows(warehouse, "marts.fct_scorecard_monthly", ("Q06", "Q07", "D01"))
    for measure in ("Q06", "Q07", "D01"):
        assert not rows[(measure, NEWEST_MONTH)]["is_provisional"], measure
        assert rows[(measure, NEWEST_MONTH)]["data_as_of"] == LATER_INCIDENTS


def test_a_stopped_extract_turns_its_measures_stale(tmp_path_factory):
    delivered = trust_state("delivered", tmp_path_factory)
    before = query(delivered, "select * from marts.fct_scorecard_latest where level = 'organisation'")
    assert not before["is_stale"].any()

    warehouse = trust_state("stopped", tmp_path_factory)
    latest = {r["measure_id"]: r for r in query(warehouse, """
        select * from marts.fct_scorecard_latest where level = 'organisation'""").to_dicts()}
    for measure in ("Q01", "Q03", "Q06", "Q07", "D01"):
        row = latest[measure]
        # the months after the extract stopped are the grid's zeros, not data: never latest
        assert row["latest_period"] == dt.date(2025, 3, 1), measure
        assert row["age_days"] == (AS_OF - STOPPED_AFTER).days
        assert row["is_stale"], measure
    for measure in ("S01", "D02", "M03", "C02"):
        assert not latest[measure]["is_stale"], measure
        assert latest[measure]["age_days"] == 0

    months = _org_rows(warehouse, "marts.fct_scorecard_monthly", ("Q03",))
    assert months[("Q03", NEWEST_MONTH)]["provisional_reason"] == "not_delivered"

    wide = query(warehouse, """
        select q06_is_stale, q06_age_days, q06_period, s01_is_stale
        from publish_candidate.scorecard_latest where level = 'organisation'""").to_dicts()[0]
    assert wide == {"q06_is_stale": True, "q06_age_days": 91,
                    "q06_period": dt.date(2025, 3, 1), "s01_is_stale": False}
