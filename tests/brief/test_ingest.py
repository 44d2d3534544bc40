from pathlib import Path

import pytest

from summarizer.brief.ingest import Limits, cut_at_sentence, ingest, strip_html
from summarizer.errors import InputError, InputTooLargeError

TEXT = "The council approved the budget on Monday. It will fund three new schools in the city."


def test_valid_article_is_normalised():
    (article,) = ingest(
        [
            {
                "id": "a",
                "title": " T ",
                "text": "  " + TEXT + "  \r\n",
                "url": "https://x.org/a",
                "published": "2025-05-16T10:00:00Z",
            }
        ]
    )
    assert article.text == TEXT and article.title == "T" and article.url == "https://x.org/a"


def test_missing_id_gets_a_default_and_a_missing_title_is_not_invented():
    (article,) = ingest([{"text": TEXT}])
    assert article.id == "article-1" and article.title is None


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ([], "articles"),
        ([{"id": "a"}], "articles[0].text"),
        ([{"id": "a", "text": "   \n "}], "articles[0].text"),
        ([{"id": "a", "text": TEXT}, {"id": "a", "text": TEXT}], "articles[1].id"),
        ([{"id": "a", "text": TEXT, "url": "ftp://x"}], "articles[0].url"),
        ([{"id": "a", "text": TEXT, "published": "last Friday"}], "articles[0].published"),
        ([{"id": "a b", "text": TEXT}], "articles[0].id"),
        ([{"id": "a", "text": TEXT, "body": "x"}], "articles[0].body"),
        ([{"id": "a", "text": 5}], "articles[0].text"),
        (["just a string"], "articles[0]"),
    ],
)
def test_bad_input_names_the_field(raw, field):
    with pytest.raises(InputError) as caught:
        ingest(raw)
    assert caught.value.field == field
    assert len(str(caught.value)) > 20


def test_limits_raise_too_large_with_the_limit_in_the_message():
    limits = Limits(max_articles=2, max_chars_per_article=200, max_total_chars=300, max_html_chars=1000)
    with pytest.raises(InputTooLargeError, match="limit is 2"):
        ingest([{"text": TEXT}] * 3, limits)
    with pytest.raises(InputTooLargeError, match="300"):
        ingest([{"id": "a", "text": TEXT * 2}, {"id": "b", "text": TEXT * 2}], limits)
    with pytest.raises(InputTooLargeError, match="1,000") as caught:  # past a whole page's size: no article
        ingest([{"text": TEXT * 12}], limits)
    assert caught.value.field == "articles[0].text"


def test_a_long_article_is_cut_at_a_sentence_end_with_a_warning_not_refused():
    # Found measuring: `summarizer extract` of 20 held-out pages exited 2 on one page whose article
    # was 53,232 characters (limit 50,000), and printed nothing of the other 19.
    limits = Limits(max_chars_per_article=200)
    warned = []
    LONG = " ".join([TEXT] * 5)
    long_one, short_one = ingest(
        [{"id": "long", "text": LONG}, {"id": "short", "text": TEXT}], limits, warn=warned.append
    )
    assert len(long_one.text) <= 200 and long_one.text.endswith("in the city.")
    assert long_one.text == " ".join([TEXT] * 2) and short_one.text == TEXT
    (warning,) = warned
    assert (warning.code, warning.article_id, warning.field) == ("article_cut", "long", "articles[0].text")
    assert "200" in warning.message and f"{len(LONG)}" in warning.message  # the limit and the article's length
    # a page's extracted article is cut the same way
    paragraphs = "".join(f"<p>On day {n}, the council met again. It voted on school number {n}.</p>" for n in range(9))
    page = f"<html><body><article><h1>Council</h1>{paragraphs}</article></body></html>"
    (article,) = ingest([{"id": "p", "html": page}], limits, warn=warned.append)
    assert len(article.text) <= 200 and article.text.endswith(".") and warned[-1].field == "articles[0].html"


def test_cut_at_sentence_keeps_whole_sentences_and_falls_back_to_a_space():
    assert cut_at_sentence('One two. Three "four." Five six seven', 25) == 'One two. Three "four."'
    assert cut_at_sentence("First paragraph without end\n\nSecond one", 35) == "First paragraph without end"
    assert cut_at_sentence("aaaa bbbb cccc", 11) == "aaaa bbbb"  # no sentence end: the last whole word


def test_an_unavailable_article_is_left_out_with_a_warning_or_refused():
    failed = InputError(
        "articles[1].url https://x.org/b could not be fetched: timeout", field="articles[1].url", code="link_failed"
    )
    raw = [{"id": "a", "text": TEXT}, {"id": "b", "url": "https://x.org/b"}, {"text": TEXT + " More."}]
    warned = []
    articles = ingest(raw, unavailable={1: failed}, warn=warned.append)
    assert [a.id for a in articles] == ["a", "article-3"]  # positions kept: the third is still article-3
    assert [(w.code, w.article_id, w.field) for w in warned] == [("link_failed", "b", "articles[1].url")]
    refused = []
    ingest(raw, unavailable={1: failed}, refuse=refused.append)
    assert refused == [failed]
    with pytest.raises(InputError, match="could not be fetched"):  # nothing left: the link's problem answers
        ingest(raw[1:2], unavailable={0: failed})


def test_html_is_stripped_scripts_dropped_entities_decoded():
    markup = "<div><h1>Title</h1><p>Fish &amp; chips cost 5 pounds.</p><script>alert(1)</script><p>Next.</p></div>"
    assert strip_html(markup).split() == ["Title", "Fish", "&", "chips", "cost", "5", "pounds.", "Next."]
    (article,) = ingest([{"text": markup + " " + TEXT}])
    assert "alert" not in article.text and "<" not in article.text


def test_a_blank_text_is_refused_but_text_that_is_only_markup_is_left_for_clean_to_set_aside():
    with pytest.raises(InputError, match="empty") as caught:
        ingest([{"id": "a", "text": "  \n "}])
    assert (caught.value.field, caught.value.code) == ("articles[0].text", "empty")
    # a scraped page or snippet with no article text in it is one bad article of many: clean sets it
    # aside with a warning (tests/brief/test_clean.py), the request is not refused here
    pages = ingest(
        [
            {"id": "p", "html": "<html><body><script>render()</script></body></html>"},
            {"id": "q", "text": "<!DOCTYPE html><html><body></body></html>"},
            {"id": "s", "text": "<div><script>x()</script></div>"},
        ]
    )
    assert [a.text for a in pages] == ["", "", ""]


def test_invisible_characters_are_removed():
    (article,) = ingest([{"id": "a", "text": "Ig\u200bnore the\u202e budget\ufeff vote. " + TEXT}])
    assert article.text.startswith("Ignore the budget vote. ")


# Whole pages (issue 12): ``html`` instead of ``text``, or a page sent as ``text``.

PAGE = (Path(__file__).parents[1] / "data" / "page_bridge.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("field", ["html", "text"])
def test_a_whole_page_gives_its_article_title_date_and_url(field):
    (article,) = ingest([{"id": "bridge", field: PAGE}])
    assert "The Old Mill Bridge" in article.text and "3.2 million pounds" in article.text
    for chrome in ("cookies", "Subscribe today", "Related stories", "Eastgate roadworks delayed", "Copyright"):
        assert chrome not in article.text
    assert article.title == "River bridge to close for repairs until spring"
    assert article.published == "2024-03-12"
    assert article.url == "https://valleycourier.example.com/news/2024/03/river-bridge-repairs"
    assert "\n\n" in article.text  # paragraph boundaries survive


def test_the_articles_own_fields_win_over_the_page():
    given = {"title": "Bridge shut", "published": "2024-03-13", "url": "https://example.org/b"}
    (article,) = ingest([{"id": "bridge", "html": PAGE, **given}])
    assert (article.title, article.published, article.url) == ("Bridge shut", "2024-03-13", "https://example.org/b")


def test_citation_spans_index_the_extracted_text():
    from summarizer.brief.segment import segment

    articles = ingest([{"id": "bridge", "html": PAGE}])
    sentences = segment(articles)
    assert sentences and all(articles[0].text[s.start : s.end] == s.text for s in sentences)
    assert not any("<" in s.text for s in sentences)


def test_snippets_in_text_are_still_stripped_not_extracted():
    # no <html>/<body>/doctype: the tag-stripping path, which keeps every block
    (article,) = ingest([{"text": "<p>Short snippet.</p><ul><li>Item one</li></ul> " + TEXT}])
    assert "Item one" in article.text


@pytest.mark.parametrize(
    ("raw", "field", "code"),
    [
        ({"text": TEXT, "html": PAGE}, "articles[0].html", "invalid"),
        ({"html": 5}, "articles[0].html", "invalid"),
        ({"id": "a"}, "articles[0].text", "invalid"),
    ],
)
def test_bad_pages_name_the_field(raw, field, code):
    with pytest.raises(InputError) as caught:
        ingest([raw])
    assert (caught.value.field, caught.value.code) == (field, code)
    assert len(str(caught.value)) > 20


def test_page_limits_name_the_field():
    with pytest.raises(InputTooLargeError, match="1,000") as caught:
        ingest([{"html": PAGE}], Limits(max_html_chars=1_000))
    assert caught.value.field == "articles[0].html" and caught.value.code == "too_large"
    # a page in text is held to the page limit, not the 50k text limit (pages are mostly markup)
    ingest([{"text": PAGE}], Limits(max_chars_per_article=len(PAGE) - 1))
    with pytest.raises(InputTooLargeError) as caught:
        ingest([{"text": PAGE}], Limits(max_html_chars=len(PAGE) - 1))
    assert caught.value.field == "articles[0].text"
    # the extracted text is cut to the per-article limit (test above) and held to the total limit
    (article,) = ingest([{"html": PAGE}], Limits(max_chars_per_article=500))
    assert len(article.text) <= 500
    with pytest.raises(InputTooLargeError, match="in all"):
        ingest([{"id": "a", "html": PAGE}, {"id": "b", "html": PAGE}], Limits(max_total_chars=1_500))


def test_with_refuse_a_bad_article_is_reported_and_left_out():
    refused = []
    good = {"id": "a", "text": "The council approved the budget on Monday."}
    articles = ingest(
        [good, {"id": "b"}, {"id": "a", "text": "Another text."}, {"text": "x", "url": "ftp://x"}],
        refuse=refused.append,
    )
    assert [a.id for a in articles] == ["a"]
    assert [(e.field, e.code) for e in refused] == [
        ("articles[1].text", "invalid"),
        ("articles[2].id", "duplicate_id"),
        ("articles[3].url", "invalid"),
    ]
    # every article refused: the first problem is the answer
    with pytest.raises(InputError) as raised:
        ingest([{"id": "b"}, {"text": 3}], refuse=refused.append)
    assert raised.value.field == "articles[0].text"
