"""The report in real headless Chromium (Debian's `chromium` package), opened from disk.

No console errors, no request other than file://, charts and icons drawn, and screenshots of the
board summary and a measure page kept under test-artifacts/report/ (git-ignored).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dagster_project.settings import PROJECT_ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "report"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason="needs Debian's chromium at /usr/bin/chromium "
                              "(apt-get install -y chromium)"),
]


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    sync_api = pytest.importorskip("playwright.sync_api")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True,
            viewport={"width": 1360, "height": 900}, device_scale_factor=1)
        try:
            yield context
        finally:
            context.close()


def _open(browser, url: str):
    """Open a page, recording console errors, page errors and every request."""
    page = browser.new_page()
    seen = {"errors": [], "requests": [], "failed": []}
    page.on("console", lambda m: seen["errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.on("requestfailed", lambda r: seen["failed"].append(r.url))
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    return page, seen


def _assert_offline(seen: dict) -> None:
    assert seen["errors"] == []
    assert seen["failed"] == []
    outside = [u for u in seen["requests"] if not u.startswith(("file://", "data:"))]
    assert outside == [], f"requests left the page: {outside}"


def test_board_summary_in_chromium(browser, report, published_frames):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page, seen = _open(browser, report.index_path.as_uri())
    try:
        assert page.title().startswith("Board summary")
        n_measures = published_frames["dim_measure"].height
        assert page.locator("table.summary tbody tr").count() == n_measures
        # icons and sparklines are drawn (have a size), with text alternatives
        icon = page.locator("tr#m-D02 svg.icon-variation")
        box = icon.bounding_box()
        assert box and box["width"] > 20 and box["height"] > 20
        assert icon.get_attribute("aria-label")
        assert page.locator("tr#m-D02 svg.sparkline").bounding_box()["width"] > 100
        page.locator("details.keybox summary").first.click()
        page.screenshot(path=str(ARTIFACTS / "board_summary.png"), full_page=True)
        # links lead to real pages
        page.locator("tr#m-D02 a").first.click()
        page.wait_for_load_state("load")
        assert page.url.endswith("/measures/D02.html")
    finally:
        page.close()
    _assert_offline(seen)
    assert (ARTIFACTS / "board_summary.png").stat().st_size > 20_000


def test_measure_page_in_chromium(browser, report):
    page, seen = _open(browser, (report.report_dir / "measures" / "D02.html").as_uri())
    try:
        chart = page.locator("#organisation svg.spc-chart")
        box = chart.bounding_box()
        assert box and box["width"] > 800 and box["height"] > 200
        assert chart.locator("desc").text_content().startswith("36 points")
        # each point carries a native tooltip with the rule that fired
        titles = chart.locator("circle.pt title").all_text_contents()
        assert len(titles) == 36
        assert any("Common cause" in t for t in titles)
        assert chart.locator(".rebase").count() == 1
        assert chart.locator(".trial-label").count() == 1  # 12 points since the rebase
        assert page.locator("article.card svg.spc-chart").count() >= 1
        chart.locator("circle.pt").last.hover()
        page.screenshot(path=str(ARTIFACTS / "measure_D02.png"), full_page=True)
    finally:
        page.close()
    _assert_offline(seen)


def test_csu_page_in_chromium(browser, report):
    page, seen = _open(browser, (report.report_dir / "csus" / "CSU01.html").as_uri())
    try:
        assert page.locator("article.card").count() >= 20
        page.screenshot(path=str(ARTIFACTS / "csu_CSU01.png"), full_page=False)
    finally:
        page.close()
    _assert_offline(seen)


def test_request_watch_catches_a_page_that_goes_online(browser, tmp_path):
    """A control: the same watch flags a page that fetches from the network."""
    page_file = tmp_path / "online.html"
    page_file.write_text('<!doctype html><title>x</title><img src="http://127.0.0.1:9/x.png">',
                         encoding="utf-8")
    page, seen = _open(browser, page_file.as_uri())
    page.close()
    with pytest.raises(AssertionError):
        _assert_offline(seen)
