"""The editor page at ``/`` in a real browser: Playwright driving Debian's headless Chromium
against the real server (uvicorn, MiniLM, SmolLM2). ``.ci/run`` installs Chromium.

Screenshots go to ``build/screenshots/`` (ignored by git) so a person can look at them.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("SUMMARIZER_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parent.parent / "build" / "screenshots"
# The flags this machine needs: no sandbox as root, and no background calls to Google's
# services, which the closed network refuses (env skill, "Testing as a person would").
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture()
def page(served):
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).is_file():
        pytest.fail(f"Chromium not found at {CHROMIUM}: `apt-get install chromium` (.ci/run does)")
    base, _ = served
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        context = browser.new_context(viewport={"width": 1280, "height": 1000})
        page = context.new_page()
        page.set_default_timeout(120_000)
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))
        page.goto(base + "/")
        yield page
        offsite = [url for url in requested if not url.startswith(base)]
        assert not offsite, f"the page must work offline, but it fetched {offsite}"
        browser.close()


def test_brief_with_citations_that_highlight_their_source(page):
    page.get_by_role("button", name="Load example").click()
    assert page.locator("#articles .article").count() == 2
    page.fill("#max-sentences", "3")
    page.get_by_role("button", name="Write brief").click()
    page.wait_for_selector("#brief li")
    sentences = page.locator("#brief li")
    assert 1 <= sentences.count() <= 3
    assert page.locator("#brief .chip").count() >= sentences.count()  # every sentence carries a citation

    chip = page.locator("#brief .chip").first
    key = chip.get_attribute("data-key")
    chip.click()
    highlighted = page.locator(".cited.highlight")
    assert highlighted.count() == 1
    assert highlighted.get_attribute("data-key") == key
    article_id = key.rsplit(":", 1)[0]
    assert highlighted.evaluate("el => el.closest('.pane').id") == f"pane-{article_id}"
    # the highlighted text is exactly the cited sentence named in the chip's tooltip
    assert highlighted.inner_text() in chip.get_attribute("title")
    assert highlighted.is_visible()

    # keyboard: focusing another chip moves the highlight
    chips = page.locator("#brief .chip")
    if chips.count() > 1:
        chips.nth(1).focus()
        assert page.locator(".cited.highlight").get_attribute("data-key") == chips.nth(1).get_attribute("data-key")

    page.locator("#dedup summary").click()
    assert int(page.locator("#dedup-count").inner_text()) == page.locator("#dedup-groups li").count()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "editor-brief.png"), full_page=True)


def test_copy_buttons_put_markdown_on_the_clipboard(page):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="Load example").click()
    page.fill("#max-sentences", "1")
    page.get_by_role("button", name="Write brief").click()
    page.wait_for_selector("#brief li")
    page.get_by_role("button", name="Copy Markdown").click()
    page.wait_for_function("document.querySelector('#copy-status').textContent.includes('copied')")
    clipboard = page.evaluate("navigator.clipboard.readText()")
    assert "[^1]:" in clipboard


def test_errors_show_inline(page):
    page.get_by_role("button", name="Add article").click()
    assert page.locator("#articles .article").count() == 2
    page.get_by_role("button", name="Remove this article").first.click()
    assert page.locator("#articles .article").count() == 1
    page.get_by_role("button", name="Write brief").click()  # the only article is empty
    error = page.locator("#error")
    error.wait_for(state="visible")
    assert "empty" in error.inner_text() and "articles[0].text" in error.inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "editor-error.png"), full_page=True)
