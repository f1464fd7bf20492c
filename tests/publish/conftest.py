"""Fixtures for the publish tests (builders live in publish_fixtures.py)."""

import pytest

from .publish_fixtures import inject_crash, wh  # noqa: F401


@pytest.fixture(autouse=True)
def _as_of(quality_as_of):
    """Every publish test's check history counts back from the same day."""
