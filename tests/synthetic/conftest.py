"""Shared synthetic landings, generated once per test session (small staff, so quick)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dagster_project.synthetic import generate

# Clinical activity and incidents keep the trust's real size whatever `staff` is, so the
# 36-month run below carries the planted signals at full strength.
TRUST_ARGS = {"seed": 42, "months": 36, "end_month": "2026-10", "staff": 400}


@pytest.fixture(scope="session")
def trust_run(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    landing = tmp_path_factory.mktemp("trust") / "landing"
    rows = generate(landing, **TRUST_ARGS)
    return landing, rows


@pytest.fixture(scope="session")
def trust_landing(trust_run) -> Path:
    return trust_run[0]


@pytest.fixture(scope="session")
def bad_run(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    landing = tmp_path_factory.mktemp("bad") / "landing"
    rows = generate(landing, seed=7, months=3, staff=200, bad_rows=0.02)
    return landing, rows


@pytest.fixture(scope="session")
def national_run(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    landing = tmp_path_factory.mktemp("national") / "landing"
    rows = generate(landing, scale="national", trusts=3, months=1, staff=150)
    return landing, rows


@pytest.fixture(scope="session")
def trust_db(trust_landing):
    """The session landing loaded once into DuckDB (see raw_measures.connect)."""
    from .raw_measures import connect

    return connect(trust_landing)
