"""The Improvement portfolio and a project page of the real pipeline's report in headless
Chromium: drawn, linked, offline, with screenshots under test-artifacts/report/."""

from __future__ import annotations

import pytest

from .test_report_browser import ARTIFACTS, _assert_offline, _open, browser  # noqa: F401
from .test_report_browser import pytestmark as BROWSER_MARKS

pytestmark = [*BROWSER_MARKS, pytest.mark.integration]


@pytest.fixture(scope="module")
def report_dir(pipeline_run):
    env, result = pipeline_run
    assert result.success
    return env.report


def test_portfolio_and_a_project_page_in_chromium(browser, report_dir):  # noqa: F811
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page, seen = _open(browser, (report_dir / "improvement" / "index.html").as_uri())
    try:
        assert page.title().startswith("Improvement portfolio")
        assert page.locator("nav a.on").text_content() == "Improvement"
        assert int(page.locator("#n-projects").text_content()) > 100
        assert page.locator("#stage-by-csu tbody tr").count() >= 5
        assert page.locator("#limits-to-review table.proposals tbody tr").count() >= 1
        page.screenshot(path=str(ARTIFACTS / "improvement_portfolio.png"), full_page=True)
        # the first project of the list with a sustained outcome leads to its page
        row = page.locator("table.projects tbody tr", has=page.locator(
            '[data-verdict="sustained_improvement"]')).first
        project = row.get_attribute("data-project")
        row.locator("a").first.click()
        page.wait_for_load_state("load")
        assert page.url.endswith(f"/improvement/{project}.html")
        assert page.title().startswith(project)
        chart = page.locator("article.measure-impact svg.spc-chart").first
        box = chart.bounding_box()
        assert box and box["width"] > 800 and box["height"] > 200
        marker = chart.locator("g.intervention line")
        assert marker.count() == 1 and marker.bounding_box()["height"] > 150
        assert page.locator("svg.pdsa-timeline g.cycle").count() >= 1
        page.screenshot(path=str(ARTIFACTS / f"improvement_{project}.png"), full_page=True)
    finally:
        page.close()
    _assert_offline(seen)
    assert (ARTIFACTS / "improvement_portfolio.png").stat().st_size > 20_000
