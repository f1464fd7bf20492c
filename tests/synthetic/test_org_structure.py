"""The fictional trust's structure, and a ward that moves CSU part-way through the series."""

from __future__ import annotations

import duckdb


def test_trust_shape(trust_db):
    con = trust_db
    orgs, sites, csus, locations = con.execute("""select count(distinct org_code),
        count(distinct site_code), count(distinct csu_code), count(distinct location_code)
        from org_structure""").fetchone()
    assert (orgs, sites, csus) == (1, 3, 18)
    assert 130 <= locations <= 180
    assert con.execute("select distinct org_code from org_structure").fetchone()[0] == "Z9T"


def test_a_location_moves_csu_with_history(trust_db):
    con = trust_db
    moved = con.execute("""select location_code, list(csu_code order by valid_from),
        list(valid_from order by valid_from), list(valid_to order by valid_from)
        from org_structure group by 1 having count(*) > 1""").fetchall()
    assert len(moved) == 1
    location, csus, froms, tos = moved[0]
    assert csus == ["EMS", "SIM"]
    assert tos[0] == "2026-03-31" and froms[1] == "2026-04-01" and tos[1] is None
    by_period = dict(con.execute("""select incident_date::date >= date '2026-04-01',
        list(distinct csu_code) from incidents where location_code = $loc group by 1""",
                                 {"loc": location}).fetchall())
    assert by_period == {False: ["EMS"], True: ["SIM"]}
    fft = dict(con.execute("""select period >= '2026-04', list(distinct csu_code)
        from fft_responses where ward_code = $loc group by 1""", {"loc": location}).fetchall())
    assert fft == {False: ["EMS"], True: ["SIM"]}


def test_activity_follows_the_move(trust_db):
    """SIM's bed days step up in April 2026 by about the moved ward's share."""
    con = trust_db
    sim = dict(con.execute("""select month, occupied_bed_days::int from activity
        where csu_code = 'SIM' and month in ('2026-03', '2026-04')""").fetchall())
    assert sim["2026-04"] > sim["2026-03"] * 1.1


def test_every_reference_exists(trust_landing):
    # Covered in full by the contract check; a direct spot check on incidents' site codes.
    bad = duckdb.execute(f"""select count(*) from read_csv('{trust_landing}/incidents/*.csv')
        where site_code not in (select site_code from
        read_csv('{trust_landing}/org_structure/*.csv'))""").fetchone()[0]
    assert bad == 0
