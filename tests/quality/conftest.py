"""Fixtures for the quality tests (builders live in quality_fixtures.py)."""

from quality_fixtures import _as_of, con, raw_incidents  # noqa: F401
