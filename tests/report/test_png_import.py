"""cairosvg and Pillow load when the first chart is rasterised, not with the report's modules:
every process that loads the Dagster definitions imports the report, and few rasterise."""

from __future__ import annotations

import subprocess
import sys


def test_loading_the_report_does_not_load_the_rasteriser():
    code = ("import sys, dagster_project.report.assets; "
            "print(sorted(m for m in ('cairosvg', 'cairocffi', 'PIL') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"


def test_rasterising_loads_it(tmp_path):
    from dagster_project.report.png import write_pngs

    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10">'
           '<rect width="20" height="10" fill="#00b0f0"/></svg>')
    write_pngs([(svg, tmp_path / "a.png")], workers=1)
    assert (tmp_path / "a.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "cairosvg" in sys.modules
