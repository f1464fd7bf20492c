"""Fixtures for the ingest tests: a landing folder in tmp_path and a real DuckDB warehouse."""

from __future__ import annotations

from pathlib import Path

import pytest
from .ingest_helpers import Landing, load


@pytest.fixture
def landing(tmp_path: Path) -> Landing:
    return Landing(tmp_path / "landing")


@pytest.fixture
def reference_data(con, landing: Landing) -> None:
    """org_structure and waste_schemes loaded, as every referencing extract needs them."""
    for extract in ("org_structure", "waste_schemes"):
        landing.write_rows(extract)
        result = load(con, landing, extract)
        assert result.files_loaded == 1 and result.rows_quarantined == 0, result.markdown()


