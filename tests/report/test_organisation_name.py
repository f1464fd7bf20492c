"""The report names the organisation from published.dim_csu's optional org_name ('<name>
(<code>)'), and by its code where no delivery of the reference extract names it."""

from __future__ import annotations

import duckdb
import polars as pl

from dagster_project.report import build_report

from .conftest import GENERATED_AT, ORG, subset, write_warehouse

NAME = "Riverside Teaching Hospitals NHS Foundation Trust"


def _build(tmp_path, frames):
    write_warehouse(tmp_path / "wh.duckdb", frames)
    con = duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True)
    try:
        return build_report(con, tmp_path / "report", generated_at=GENERATED_AT, png=False)
    finally:
        con.close()


def test_the_organisation_is_named_where_the_reference_extract_names_it(tmp_path,
                                                                        published_frames):
    frames = subset(published_frames, {"Q01", "D02"})
    dim = frames["dim_csu"]
    # the newest location row names the trust; an older delivery did not
    frames["dim_csu"] = dim.with_columns(org_name=pl.when(
        pl.col("valid_from") == pl.col("valid_from").max()).then(pl.lit(NAME)))
    result = _build(tmp_path, frames)
    index = (result.report_dir / "index.html").read_text(encoding="utf-8")
    measure = (result.report_dir / "measures" / "Q01.html").read_text(encoding="utf-8")
    label = f"{NAME} ({ORG})"
    assert f'<div class="org">{label} · data to' in index
    assert f'<h2 style="margin:0 0 8px">{label}</h2>' in measure
    assert f"Organisation ({ORG})" not in index + measure
    assert not any("dim_csu" in note for note in result.notes)


def test_without_a_name_the_organisation_is_shown_by_its_code(report):
    index = (report.report_dir / "index.html").read_text(encoding="utf-8")
    assert f'<div class="org">Organisation ({ORG}) · data to' in index
    assert not any("dim_csu" in note for note in report.notes)  # optional: no note
