"""The data-quality mark per measure (issue 14): marts.fct_measure_data_quality and
published.measure_data_quality rate six kite-mark dimensions from what the pipeline knows, and
the mark degrades when a source's quarantine rate rises (a generated trust built for real,
tests/maturity_trust.py); the report shows the mark and its evidence beside each measure."""

from __future__ import annotations

import pytest

from dagster_project.contracts.catalogue import catalogue_measure_ids
from dagster_project.report.quality_mark import (
    DIMENSIONS,
    evidence_rows,
    latest_marks,
    mark_svg,
    mark_text,
)
from tests.maturity_trust import query, trust_state

FFT_MEASURES = ("S01", "S02", "S03", "S04", "S05")


def _marks(warehouse) -> dict[str, dict]:
    return latest_marks(query(warehouse, "select * from publish_candidate.measure_data_quality"))


@pytest.mark.integration
def test_the_mark_degrades_when_a_sources_quarantine_rate_rises(tmp_path_factory):
    clean = _marks(trust_state("delivered", tmp_path_factory))
    assert len(clean) == len(catalogue_measure_ids())  # one row per catalogue measure (and night)
    for measure in FFT_MEASURES:
        assert clean[measure]["validity_rating"] == "pass", clean[measure]["validity_evidence"]
        assert clean[measure]["overall_rating"] in ("pass", "unknown")
        assert clean[measure]["audited_rating"] == "pass"  # FFT is audited in the catalogue
    assert clean["Q06"]["audited_rating"] == "warn"
    assert clean["Q06"]["timeliness_rating"] == "pass"

    bad = _marks(trust_state("bad_fft", tmp_path_factory))
    for measure in FFT_MEASURES:
        mark = bad[measure]
        assert mark["validity_rating"] == "fail", mark["validity_evidence"]
        assert mark["overall_rating"] == "fail"
        assert mark["dimensions_passed"] < clean[measure]["dimensions_passed"]
        assert "quarantined" in mark["validity_evidence"]
        assert "most often broken" in mark["validity_evidence"]
    # other sources are untouched
    assert bad["Q06"]["validity_rating"] == clean["Q06"]["validity_rating"] == "pass"


@pytest.mark.integration
def test_a_stopped_extract_fails_timeliness(tmp_path_factory):
    marks = _marks(trust_state("stopped", tmp_path_factory))
    assert marks["Q06"]["timeliness_rating"] == "fail"
    assert "91 days" in marks["Q06"]["timeliness_evidence"]
    assert marks["Q06"]["overall_rating"] == "fail"
    assert marks["S01"]["timeliness_rating"] == "pass"


MARK = {"measure_id": "S01", "overall_rating": "fail", "dimensions_passed": 4,
        **{f"{d}_rating": "pass" for d, _ in DIMENSIONS},
        **{f"{d}_evidence": f"{d} evidence" for d, _ in DIMENSIONS},
        "validity_rating": "fail", "audited_rating": "warn",
        "validity_evidence": "120 of 600 rows of fft_responses quarantined (20.0%)."}


def test_the_mark_shows_every_dimension_with_its_evidence():
    svg = mark_svg(MARK)
    assert svg.count("<rect") == len(DIMENSIONS)
    assert "#d5281b" in svg  # the failing dimension
    assert "120 of 600 rows of fft_responses quarantined" in svg  # evidence on hover
    assert "Data quality: poor (4 of 6 dimensions pass)" in mark_text(MARK)
    rows = evidence_rows(MARK)
    assert [r["rating"] for r in rows] == ["pass", "pass", "fail", "pass", "pass", "warn"]
    assert "no mark published" in mark_svg(None)
