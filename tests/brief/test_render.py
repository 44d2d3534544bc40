import json

import pytest

from summarizer.brief.check import ClaimCheck, SentenceCheck
from summarizer.brief.render import check_dict, check_text, render, sentence_dict, to_dict, to_html, to_markdown
from summarizer.brief.types import Article, Brief, BriefSentence, Citation, Group, Sentence

EVIL = '<script>alert("x")</script> & <b>bold</b>'


@pytest.fixture()
def brief():
    a = Article("a", f"Title {EVIL}", f"First fact {EVIL}. Second.", url="https://example.org/a?x=1&y=2", source="Wire")
    b = Article("b", "Other", "Same fact told again.")
    ca = Citation("a", 0, 0, 10, f"First fact {EVIL}.", 0.9)
    cb = Citation("b", 0, 0, 21, "Same fact told again.", 0.8)
    s1 = Sentence("a", 0, 0, 10, ca.text, 0.0)
    s2 = Sentence("b", 0, 0, 21, cb.text, 0.0)
    group = Group(0, (0, 1), (s1, s2), ())
    return Brief(
        sentences=(BriefSentence(f"Fused {EVIL} fact.", (ca, cb)), BriefSentence("Quoted.", (ca,), method="quoted")),
        articles=(a, b),
        groups=(group, Group(1, (2,), (s1,))),
        dropped=(),
        model="m",
        embedder="e",
        timings_ms={"total": 12.345},
        usage={"llm_calls": 1},
    )


def test_html_escapes_every_source_text(brief):
    out = to_html(brief)
    assert "<script>" not in out and "<b>" not in out
    assert "&lt;script&gt;" in out and "https://example.org/a?x=1&amp;y=2" in out
    assert out.count('<li id="summarizer-cite-') == 2
    assert 'class="extractive"' in out


def test_markdown_footnotes_reuse_numbers_and_name_the_article(brief):
    out = to_markdown(brief)
    assert "fact.[^1][^2]" in out and "Quoted.[^1]" in out
    assert "[^1]: “First fact" in out and "(https://example.org/a?x=1&y=2)" in out and ", Wire" in out
    assert "[^2]: “Same fact told again.” — *Other*, sentence 1" in out
    assert out.count("[^1]:") == 1


def test_json_carries_citations_dedup_sources_and_timings(brief):
    data = json.loads(render(brief, "json"))
    assert data == json.loads(json.dumps(to_dict(brief)))
    first = data["sentences"][0]
    assert first["citations"][0] == {
        "article_id": "a",
        "sentence_index": 0,
        "start": 0,
        "end": 10,
        "text": f"First fact {EVIL}.",
        "score": 0.9,
    }
    assert data["sentences"][1]["extractive"] is True
    assert len(data["dedup"]["groups"]) == 1  # singletons are not "merged"
    assert [s["id"] for s in data["sources"]] == ["a", "b"]
    source = data["sources"][0]
    assert source["text"][first["citations"][0]["start"] : first["citations"][0]["end"]] == "First fact"
    assert data["timings"] == {"total": 12.3}


@pytest.fixture()
def checks(brief):
    ca, cb = brief.sentences[0].citations
    return (
        ClaimCheck("Same fact told again.", (SentenceCheck("Same fact told again.", True, (cb,)),)),
        ClaimCheck(
            "First fact. 7 more.",
            (
                SentenceCheck("First fact.", True, (ca,)),
                SentenceCheck("7 more.", False, (), ("numbers not in the sources: 7", "weak support (0.00 < 0.5)")),
            ),
        ),
    )


def test_check_json_has_the_documented_shape_and_the_brief_citations(checks, brief):
    data = json.loads(json.dumps(check_dict(checks)))
    assert list(data) == ["results"]
    supported, mixed = data["results"]
    assert supported == {
        "claim": "Same fact told again.",
        "supported": True,
        "score": 0.8,
        "sentences": [
            {
                "text": "Same fact told again.",
                "supported": True,
                # a citation is the same dict as in the brief's JSON
                "citations": [sentence_dict(brief.sentences[0])["citations"][1]],
                "problems": [],
            }
        ],
    }
    assert mixed["supported"] is False and mixed["score"] == 0.0
    assert [s["supported"] for s in mixed["sentences"]] == [True, False]
    assert mixed["sentences"][1]["problems"] == ["numbers not in the sources: 7", "weak support (0.00 < 0.5)"]


def test_check_text_gives_each_claim_its_verdict_problems_and_citations(checks):
    first, second = check_text(checks).strip().split("\n\n")
    assert first.splitlines() == [
        "1. SUPPORTED (score 0.80): Same fact told again.",
        "   cites b #0: Same fact told again.",
    ]
    lines = second.splitlines()
    assert lines[0] == "2. NOT SUPPORTED (score 0.00): First fact. 7 more."
    assert "   supported: First fact." in lines and "   not supported: 7 more." in lines
    assert "     problem: numbers not in the sources: 7" in lines
    assert "     cites nothing: no source sentence is close enough" in lines


@pytest.fixture()
def headed(brief):
    from dataclasses import replace

    from summarizer.brief.types import BriefWarning

    headline = BriefSentence("Council approves first fact", (brief.sentences[0].citations[1],))
    return replace(
        brief,
        headline=headline,
        warnings=(BriefWarning("article_set_aside", "article 'x' was left out: it has no text.", "x"),),
    )


def test_the_headline_leads_every_format_with_its_citations_first(headed):
    data = to_dict(headed)
    assert data["headline"]["text"] == "Council approves first fact"
    assert data["headline"]["citations"][0]["article_id"] == "b"
    assert data["warnings"] == [
        {
            "code": "article_set_aside",
            "message": "article 'x' was left out: it has no text.",
            "article_id": "x",
            "field": None,
        }
    ]
    markdown = to_markdown(headed)
    assert markdown.startswith("## Council approves first fact[^1]\n\n")
    assert "[^1]: “Same fact told again.” — *Other*" in markdown  # the headline's source is note 1
    html = to_html(headed)
    assert '<h2>Council approves first fact<sup><a href="#summarizer-cite-1">[1]</a></sup></h2>' in html
    assert html.index("<h2>") < html.index("<p>")


def test_no_headline_and_no_warnings_in_the_json_when_there_are_none(brief):
    data = to_dict(brief)
    assert data["headline"] is None and data["warnings"] == []
    assert not to_markdown(brief).startswith("#") and "<h2>" not in to_html(brief)


@pytest.mark.parametrize(
    ("cited", "markdown", "html"),
    [
        # real failure: the source sentence opens a quote it never closes, and the footnote doubled it
        (
            '"The Ukrainian party requested direct negotiations.',
            '[^1]: "The Ukrainian party requested direct negotiations." —',
            '<li id="summarizer-cite-1"><span>&quot;The Ukrainian party requested direct negotiations.&quot;</span>',
        ),
        (
            "“We will appeal,” she said.",
            "[^1]: “We will appeal,” she said. —",
            "<span>“We will appeal,” she said.</span>",
        ),
        ("Plain fact here.", "[^1]: “Plain fact here.” —", "<q>Plain fact here.</q>"),
    ],
)
def test_footnotes_never_double_or_leave_open_a_quote_mark(brief, cited, markdown, html):
    from dataclasses import replace

    citation = Citation("b", 0, 0, len(cited), cited, 0.9)
    one = replace(brief, sentences=(BriefSentence("A fact.", (citation,)),))
    assert markdown in to_markdown(one)
    assert "““" not in to_markdown(one) and '"“' not in to_markdown(one)
    assert html in to_html(one)


def test_an_article_without_a_title_is_named_by_its_outlet_or_id(brief):
    from dataclasses import replace

    a, b = brief.articles
    untitled = replace(brief, articles=(replace(a, title=None), replace(b, title=None)))
    markdown = to_markdown(untitled)
    assert "— [Wire](https://example.org/a?x=1&y=2), sentence 1" in markdown  # the outlet, not twice
    assert "— *b*, sentence 1" in markdown
    assert "— b</li>" in to_html(untitled) and "None" not in to_html(untitled)
    assert to_dict(untitled)["sources"][1]["title"] is None
