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


# --- editing a sentence: the edit is checked against the articles (POST /v1/check) -----------

# Verbatim in seed 003 (sentence index 5): supported, citing itself.
COPIED = (
    "Vladimir Medinsky, one of Russian President Vladimir Putin's aides and the leader of Russia's delegation, "
    "said that the two sides agreed to share specific proposals on a possible ceasefire and to discuss the "
    "possibility of a meeting between their respective heads of state."
)
COPIED_KEY = "003_9ab0395e07a1f050:5"
# Seed 000 says a 30-day ceasefire, never 60.
CHANGED = (
    "Kiev and Western allies have been appealing to Russia for weeks for accepting a 60-day unconditional "
    "ceasefire in Ukraine."
)


def _chip_keys(item) -> list[str]:
    return [chip.get_attribute("data-key") for chip in item.locator(".chip").all()]


def _edit(page, item, text: str) -> None:
    """Type over the sentence's text, then leave it (Tab) as an editor would."""
    sentence = item.locator(".sentence-text")
    sentence.click()
    sentence.fill(text)
    page.keyboard.press("Tab")


def _verdict(page, item) -> str:
    """Wait for the check of the first sentence's edit to end; its state: supported, unsupported
    or unchecked (the check failed), with the status line for the failure message."""
    page.wait_for_function(
        "['supported', 'unsupported', 'unchecked']"
        ".some(c => document.querySelector('#brief > li').classList.contains(c))"
    )
    state = next(c for c in ("supported", "unsupported", "unchecked") if c in item.get_attribute("class").split())
    return f"{state}: {item.locator('.check').inner_text()}"


def _write_brief(page, sentences: int) -> None:
    page.get_by_role("button", name="Load example").click()
    page.fill("#max-sentences", str(sentences))
    page.get_by_role("button", name="Write brief").click()
    page.wait_for_selector("#brief li")


def test_an_edited_sentence_is_checked_and_its_citations_replaced(page, served, seeds):
    import httpx

    base, _ = served
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    _write_brief(page, 2)
    first = page.locator("#brief > li").first
    original = first.locator(".sentence-text").inner_text()
    assert first.locator(".check").get_attribute("role") == "status"

    # a false edit: the problem is shown under the sentence; its chips are what the check cites
    _edit(page, first, CHANGED)
    status = first.locator(".check")
    verdict = _verdict(page, first)
    assert verdict.startswith("unsupported: Not supported:"), verdict
    assert "60" in status.locator(".problems").inner_text()
    expected = httpx.post(f"{base}/v1/check", json={"articles": seeds, "claims": [CHANGED]}, timeout=60).json()
    cited = [f"{c['article_id']}:{c['sentence_index']}" for c in expected["results"][0]["sentences"][0]["citations"]]
    assert cited and _chip_keys(first) == cited
    assert first.locator(".sentence-text").inner_text() == CHANGED != original
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "editor-edit-unsupported.png"), full_page=True)

    # an edit copied from an article: supported, no problems, one chip citing that sentence
    _edit(page, first, COPIED)
    verdict = _verdict(page, first)
    assert verdict.startswith("supported: Supported"), verdict
    assert first.locator(".problems").count() == 0
    keys = _chip_keys(first)
    assert COPIED_KEY in keys and keys != cited  # the chips changed with the edit
    chip = first.locator(f'.chip[data-key="{COPIED_KEY}"]')
    assert COPIED in chip.get_attribute("title")
    chip.click()  # the new citation highlights its sentence in the source pane
    highlighted = page.locator(".cited.highlight")
    assert highlighted.get_attribute("data-key") == COPIED_KEY and highlighted.inner_text() == COPIED

    # the copy carries the edit (built in the page), with the new citation as a footnote
    page.get_by_role("button", name="Copy Markdown").click()
    page.wait_for_function("document.querySelector('#copy-status').textContent.includes('copied with your edits')")
    clipboard = page.evaluate("navigator.clipboard.readText()")
    assert clipboard.startswith(COPIED.replace("_", "\\_") + "[^1]")
    assert f"[^1]: “{COPIED}”" in clipboard and original not in clipboard
    page.screenshot(path=str(SCREENSHOTS / "editor-edit-supported.png"), full_page=True)


def test_the_page_builds_the_same_markdown_and_html_as_the_service(page, served):
    """The copy of an edited brief is built in the page: on an unedited brief it must equal the
    service's own Markdown and HTML (render.py), character for character."""
    import httpx

    base, _ = served
    _write_brief(page, 3)
    request = page.evaluate("current.request")
    for fmt, build in (("markdown", "buildMarkdown"), ("html", "buildHtml")):
        served_text = httpx.post(f"{base}/v1/briefs?format={fmt}", json=request, timeout=120)
        assert served_text.headers["x-cache"] == "hit"
        assert page.evaluate(f"{build}(current.data.sources, current.sentences)") == served_text.text
