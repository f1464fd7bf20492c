"""A report is one organisation's, also when the warehouse holds many (a region, the nation)."""

import polars as pl

from dagster_project.report.data import TABLES, PublishedData, for_organisation, organisations


def published(rows: dict[str, list[dict]]) -> PublishedData:
    tables = {}
    for name, columns in TABLES.items():
        frame = pl.DataFrame(rows.get(name, []), schema={c: pl.Utf8 for c in columns}
                             if not rows.get(name) else None)
        tables[name] = frame
    return PublishedData(tables=tables)


TWO_TRUSTS = {
    "dim_csu": [{"csu_code": "A-MED", "csu_name": "Medicine", "org_code": "A"},
                {"csu_code": "B-MED", "csu_name": "Medicine", "org_code": "B"}],
    "spc_summary": [{"measure_id": "Q01", "level": level, "unit_code": unit}
                    for level, unit in [("organisation", "A"), ("csu", "A-MED"),
                                        ("organisation", "B"), ("csu", "B-MED")]],
    "spc_points": [{"measure_id": "Q01", "level": "csu", "unit_code": u} for u in ("A-MED",
                                                                                 "B-MED")],
}


def test_several_organisations_report_the_first_and_say_so():
    data = published(TWO_TRUSTS)
    assert organisations(data) == ["A", "B"]
    scoped = for_organisation(data)
    assert set(scoped["spc_summary"]["unit_code"]) == {"A", "A-MED"}
    assert scoped["spc_points"]["unit_code"].to_list() == ["A-MED"]
    assert scoped["dim_csu"]["csu_code"].to_list() == ["A-MED"]
    assert any("2 organisations" in n and "REPORT_ORG_CODE" in n for n in scoped.notes)


def test_report_org_code_chooses_the_organisation():
    scoped = for_organisation(published(TWO_TRUSTS), "B")
    assert set(scoped["spc_summary"]["unit_code"]) == {"B", "B-MED"}
    assert not scoped.notes


def test_one_organisation_is_left_as_it_is():
    one = {k: [r for r in v if r.get("org_code", r.get("unit_code", "")).startswith("A")]
           for k, v in TWO_TRUSTS.items()}
    data = published(one)
    assert for_organisation(data) is data
