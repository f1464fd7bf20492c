"""Fixtures for the quality tests (builders live in quality_fixtures.py; `con` in tests/conftest)."""

import pytest

from .quality_fixtures import raw_incidents  # noqa: F401


@pytest.fixture(autouse=True)
def _as_of(quality_as_of):
    """Every quality test counts back from the same day."""
