"""National scale: many trusts streamed into shared monthly files, keys unique across trusts."""

from __future__ import annotations

import duckdb

from dagster_project.synthetic import generate
from dagster_project.synthetic.trust import national_org_code
from dagster_project.synthetic.writer import LandingWriter

from .contract_check import extract_files


def test_one_file_per_extract_date_holding_every_trust(national_run):
    landing, _rows = national_run
    files = extract_files(landing, "incidents")
    assert len(files) == 1
    orgs = duckdb.execute(f"""select count(distinct org_code) from
        read_csv('{landing}/org_structure/*.csv')""").fetchone()[0]
    assert orgs == 3
    prefixes = duckdb.execute(f"""select count(distinct left(incident_id, 3)) from
        read_csv('{files[0]}', all_varchar=true)""").fetchone()[0]
    assert prefixes == 3
    csus = duckdb.execute(f"""select list(distinct csu_code) from
        read_csv('{landing}/activity/*.csv')""").fetchone()[0]
    assert "AMS" in csus and f"{national_org_code(1)}-AMS" in csus


def test_national_streams_one_trust_month_at_a_time(tmp_path, monkeypatch):
    """Every chunk handed to the writer belongs to one trust and (for monthly extracts) one
    month: memory is bounded by a trust-month, not the nation."""
    seen: list[tuple[str, int, set[str]]] = []
    original = LandingWriter.write

    def spy(self, extract, extract_date, df, chunk=0):
        if "csu_code" in df.columns and df.height:
            orgs = {c.split("-")[0] if "-" in c else "Z9T" for c in df["csu_code"].unique()}
            seen.append((extract, chunk, orgs))
        return original(self, extract, extract_date, df, chunk)

    monkeypatch.setattr(LandingWriter, "write", spy)
    generate(tmp_path, scale="national", trusts=3, months=2, staff=100)
    assert {chunk for _e, chunk, _o in seen} == {0, 1, 2}
    assert all(len(orgs) == 1 for _e, _c, orgs in seen)
    training = [o for e, _c, o in seen if e == "mandatory_training"]
    assert len(training) == 3 * 2


def test_national_trusts_differ_in_size(national_run):
    landing, _ = national_run
    per_org = duckdb.execute(f"""select org_code, count(*) from
        read_csv('{landing}/org_structure/*.csv') group by 1 order by 1""").fetchall()
    sizes = [n for _o, n in per_org]
    assert len(set(sizes)) == 3


def test_org_codes_are_fictional_and_unique():
    codes = [national_org_code(i) for i in range(250)]
    assert codes[0] == "Z9T" and len(set(codes)) == 250
    assert all(c.startswith("Z") and len(c) == 3 for c in codes)
