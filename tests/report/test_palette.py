"""The report's colours are defined once, in palette.py: the SVG code draws with its names, and
the pages' CSS declares them as custom properties and uses them through `var(--name)`."""

from __future__ import annotations

import re
from pathlib import Path

from dagster_project.report import palette, register_templates, templates

REPORT = Path(palette.__file__).parent
HEX = re.compile(r"#[0-9a-fA-F]{6}\b|[\"']#[0-9a-fA-F]{3}[\"']")


def test_no_module_writes_a_colour_of_its_own():
    for path in sorted(REPORT.glob("*.py")):
        if path.name in ("palette.py", "templates.py"):
            continue  # templates.py: CSS-only shades (hover, badges) are checked below
        assert not HEX.findall(path.read_text(encoding="utf-8")), path.name


def test_the_css_declares_the_palette_and_the_pages_use_it_by_name():
    for group in palette.CSS_VARIABLES:
        for name, colour in group.items():
            assert f"--{name}:{colour}" in templates.CSS
    declared = templates.CSS.split("}", 1)[1]  # the rules after `:root{...}`
    pages = declared + templates.INDEX + templates.MEASURE + templates.CSU + \
        register_templates.PORTFOLIO + register_templates.PROJECT
    for group in palette.CSS_VARIABLES:
        for name, colour in group.items():
            assert colour.lower() not in pages.lower(), f"{colour} written out: use var(--{name})"
