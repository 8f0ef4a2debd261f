"""The HTML report in a real browser (Debian's chromium, headless, driven by Playwright): on a
desktop and on a phone the summary never scrolls sideways, the verdict and the failures are on
the first screen, and the page asks the network for nothing."""

import pytest
from helpers import pgsuite, query
from playwright.sync_api import sync_playwright

import programs

SCREENS = [(1280, 800), (390, 844)]  # a laptop, a phone


@pytest.fixture(scope="module")
def browser():
    chromium = programs.require("chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def failing_report(db, project_copy):
    query(db, "DROP INDEX idx_appointments_customer")
    query(db, "ALTER TABLE appointments NO FORCE ROW LEVEL SECURITY")
    out = pgsuite("--project", str(project_copy.root), "deploy", "--dsn", db)
    assert out.returncode == 1
    return sorted(project_copy.runs_dir.iterdir())[-1] / "report.html"


@pytest.mark.parametrize("width,height", SCREENS, ids=[f"{w}px" for w, _ in SCREENS])
def test_summary_verdict_and_failures_fit_the_first_screen(browser, failing_report, width, height):
    page = browser.new_page(viewport={"width": width, "height": height})
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(failing_report.as_uri())
    layout = page.evaluate("""() => {
        const box = (s) => document.querySelector(s).getBoundingClientRect();
        const summary = document.querySelector('table.summary');
        return {viewport: window.innerWidth, height: window.innerHeight,
                summaryRight: box('table.summary').right, summaryScroll: summary.scrollWidth,
                summaryClient: summary.clientWidth, page: document.documentElement.scrollWidth,
                verdictBottom: box('#verdict-banner').bottom,
                firstFailureBottom: document.querySelector('#failures li').getBoundingClientRect().bottom,
                failures: document.querySelectorAll('#failures li').length,
                verdict: document.querySelector('#verdict-banner').innerText};
    }""")
    page.close()
    assert layout["summaryRight"] <= layout["viewport"] + 0.5, layout
    assert layout["summaryScroll"] <= layout["summaryClient"] + 1, layout
    assert layout["page"] <= layout["viewport"], layout  # nothing on the page scrolls sideways
    assert layout["verdictBottom"] <= layout["height"] and layout["firstFailureBottom"] <= layout["height"], layout
    assert layout["failures"] == 4 and layout["verdict"].startswith("FAIL")
    assert all(url.startswith(("file:", "data:", "about:")) for url in requests), requests
