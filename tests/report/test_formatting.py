"""Numbers and periods as a board reads them."""

from __future__ import annotations

from datetime import date

import pytest

from dagster_project.report.formatting import format_axis, format_period, format_value, slug


@pytest.mark.parametrize("value,unit,expected", [
    (0.953, "percent", "95.3%"),
    (1.0, "percent", "100.0%"),
    (-0.12, "percent", "−12.0%"),
    (12.345, "rate", "12.3"),
    (3.0, "count", "3"),
    (2.5, "count", "2.5"),
    (48211.0, "count", "48,211"),
    (6.834, "score", "6.83"),
    (1234567.4, "gbp", "£1,234,567"),
    (-5000.0, "gbp", "−£5,000"),
    (120.0, "hours", "120.0"),
    (None, "percent", "–"),
    (float("nan"), "rate", "–"),
    (float("inf"), "rate", "–"),
])
def test_format_value(value, unit, expected):
    assert format_value(value, unit) == expected


def test_axis_labels_have_enough_decimals():
    assert format_axis(0.85, "percent", 0.05) == "85%"
    assert format_axis(0.855, "percent", 0.005) == "85.5%"
    assert format_axis(40_000, "gbp", 10_000) == "£40k"
    assert format_axis(2.5, "count", 0.5) == "2.5"


def test_periods():
    assert format_period(date(2025, 3, 1)) == "Mar 2025"
    assert format_period(date(2025, 4, 1), "quarterly") == "2025 Q2"
    assert format_period(date(2024, 1, 1), "yearly") == "2024"
    assert format_period(None) == "–"


def test_slug_keeps_codes_and_neutralises_paths():
    assert slug("CSU01") == "CSU01"
    assert slug("../etc/passwd") == "etc_passwd"
