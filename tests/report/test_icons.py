"""The Making Data Count icons are our own inline SVG, each with a text alternative."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from dagster_project.report.icons import ASSURANCE, VARIATION, assurance_icon, variation_icon

SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize("code", sorted(VARIATION))
def test_variation_icons(code):
    root = ET.fromstring(variation_icon(code))
    assert root.get("data-variation") == code
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == root.get("aria-label")
    ring = root.find(f"{SVG}circle").get("stroke")
    expected = {"common": "#a6a6a6", "improvement": "#00b0f0", "concern": "#e46c0a",
                "neutral": "#490092"}[code.split("_")[0]]
    assert ring == expected
    letters = [t.text for t in root.iter(f"{SVG}text")]
    assert letters == ([] if code == "common_cause" else ["H" if code.endswith("high") else "L"])


@pytest.mark.parametrize("code,letter,colour", [
    ("consistent_pass", "P", "#00b0f0"), ("consistent_fail", "F", "#e46c0a"),
    ("inconsistent", "?", "#a6a6a6"),
])
def test_assurance_icons(code, letter, colour):
    root = ET.fromstring(assurance_icon(code))
    assert root.get("data-assurance") == code
    assert root.find(f"{SVG}circle").get("stroke") == colour
    assert [t.text for t in root.iter(f"{SVG}text")] == [letter]
    assert "target" in root.find(f"{SVG}title").text
    assert set(ASSURANCE) == {"consistent_pass", "consistent_fail", "inconsistent"}


@pytest.mark.parametrize("icon", [variation_icon, assurance_icon])
def test_missing_icon_is_a_labelled_placeholder(icon):
    root = ET.fromstring(icon(None))
    assert "not assessed" in root.find(f"{SVG}title").text
    assert root.get("aria-label")
