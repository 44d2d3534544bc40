from pathlib import Path

import pytest

from summarizer.nlp.extract import Page, extract_page

PAGE = (Path(__file__).parents[1] / "data" / "page_bridge.html").read_text(encoding="utf-8")

# Text of the page's chrome: none of it may reach the article text.
CHROME = (
    "We use cookies",
    "Accept all cookies",
    "Subscribe today",
    "Weather",
    "Related stories",
    "Eastgate roadworks delayed",
    "Flood warning issued",
    "Share on Facebook",
    "Copyright 2024",
    "Privacy notice",
    "Contact the newsroom",
    "dataLayer",
    "font-family",
)


def test_article_body_without_the_chrome():
    page = extract_page(PAGE)
    for chrome in CHROME:
        assert chrome not in page.text, chrome
    assert page.text.count("The Old Mill Bridge, which carries about 14,000 vehicles") == 1
    assert "3.2 million pounds" in page.text
    assert page.text.rstrip().endswith("resurfaced on schedule.")


def test_paragraphs_are_separated_by_blank_lines():
    paragraphs = extract_page(PAGE).text.split("\n\n")
    assert any(p.startswith("County highways officials said on Tuesday") for p in paragraphs)
    assert all(p.strip() == p and p and "\n" not in p for p in paragraphs)
    assert len(paragraphs) >= 6


def test_title_date_and_url_from_the_page():
    page = extract_page(PAGE)
    assert page.title == "River bridge to close for repairs until spring"
    assert page.published == "2024-03-12"
    assert page.url == "https://valleycourier.example.com/news/2024/03/river-bridge-repairs"


def test_date_from_a_time_element_alone():
    markup = PAGE.replace('<meta property="article:published_time" content="2024-03-12T07:45:00+00:00">', "")
    assert "published_time" not in markup
    assert extract_page(markup).published == "2024-03-12"


def test_the_given_url_is_kept_when_the_page_has_none():
    markup = PAGE.replace("valleycourier.example.com/news/2024/03/river-bridge-repairs", "")
    page = extract_page(markup, url="https://example.org/bridge")
    assert page.url == "https://example.org/bridge"


@pytest.mark.parametrize(
    "markup",
    [
        "",
        "   ",
        "<html><body></body></html>",
        # a script-rendered app shell, as a scraper without a browser sees it
        '<html><head><title>Loading</title></head><body><div id="app"></div><script>render()</script></body></html>',
        "<html><body><footer><p>Copyright 2024 Foo Ltd. All rights reserved.</p></footer></body></html>",
    ],
)
def test_an_empty_page_gives_empty_text(markup):
    assert extract_page(markup) == Page(title=None, text="", url=None, published=None)


def test_nothing_is_fetched(monkeypatch):
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError("extract_page opened a connection")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    assert extract_page(PAGE, url="https://valleycourier.example.com/news").text


def test_pages_extracted_from_several_threads_at_once_read_as_they_do_alone():
    # Links are fetched four at a time and requests run in threads; trafilatura is not thread-safe
    # (unguarded, 4 threads over the dev pages crashed the process or raised XPathEvalError in
    # about one run of four), so extract_page takes one page at a time.
    from concurrent.futures import ThreadPoolExecutor

    from web import saved_pages

    pages = [html.decode("utf-8", "replace") for _, html, _ in saved_pages(12)]
    alone = [extract_page(page) for page in pages]
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(extract_page, pages * 2))
    assert together == alone * 2
