"""Fixtures for the publish tests (builders live in publish_fixtures.py)."""

from publish_fixtures import _as_of, inject_crash, wh  # noqa: F401
