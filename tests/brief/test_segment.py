import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.brief.ingest import ingest
from summarizer.brief.segment import _DATELINE, segment
from summarizer.errors import InputError


def test_spans_slice_back_to_the_sentence_text(seeds):
    articles = ingest(seeds)
    sentences = segment(articles)
    by_id = {a.id: a for a in articles}
    assert len(sentences) > 20
    for s in sentences:
        assert by_id[s.article_id].text[s.start : s.end] == s.text
        assert s.text == s.text.strip() and s.text
        assert 0 <= s.position < 1


def test_abbreviations_do_not_split_and_lines_do():
    text = "Mr. Smith met Sen. Jones in Washington on Jan. 5. They talked.\nA heading line\nLast one here."
    (article,) = ingest([{"text": text}])
    texts = [s.text for s in segment([article])]
    assert texts == [
        "Mr. Smith met Sen. Jones in Washington on Jan. 5.",
        "They talked.",
        "A heading line",
        "Last one here.",
    ]
    assert [s.index for s in segment([article])] == [0, 1, 2, 3]


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        # unseen Multi-News lines (look-alikes) that Punkt cut inside "U.S. Postal Service"
        (
            "A man cashed money orders from a former U.S. Postal Service employee, U.S. Attorney Jane Roe announced.",
            ["A man cashed money orders from a former U.S. Postal Service employee, U.S. Attorney Jane Roe announced."],
        ),
        (
            "Three men stole orders from the U.S. Postal Service.",
            ["Three men stole orders from the U.S. Postal Service."],
        ),
        # a sentence ending at an initialism before a sentence starter stays two
        (
            "The lenses are made in the U.S. The Customs Service requires a mark.",
            ["The lenses are made in the U.S.", "The Customs Service requires a mark."],
        ),
        (
            "It is assembled in the U.S. Together, these parts cost little.",
            ["It is assembled in the U.S.", "Together, these parts cost little."],
        ),
    ],
)
def test_a_cut_at_an_initialism_inside_a_name_is_rejoined(text, sentences):
    (article,) = ingest([{"text": text}])
    assert [s.text for s in segment([article])] == sentences


def test_indices_restart_per_article():
    articles = ingest([{"id": "a", "text": "One fact here. Two facts here."}, {"id": "b", "text": "Three."}])
    assert [(s.article_id, s.index) for s in segment(articles)] == [("a", 0), ("a", 1), ("b", 0)]


# --- property (hypothesis): whatever the text, every sentence's span slices it back

PIECES = st.sampled_from(
    ["the", "council", "said", "Mr.", "Dr.", "U.S.", "1,000", "3.5", "on", "Monday", "and", "of", "a", "it",
     ".", "!", "?", "...", "…", ",", ";", '"', "“", "”", "'", "(", ")", "\n", "\n\n", "  ", "\t", "é", "—", "<b>",
     "&amp;", "Ukraine's", "e.g.", "Jan.", "5.", "a.m.", "\u00a0"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, min_size=1, max_size=80).map(" ".join))
def test_any_text_segments_into_spans_that_slice_it(text):
    try:
        articles = ingest([{"id": "a", "text": text}])
    except InputError:
        return  # refused with a message (empty, not English): nothing to segment
    (article,) = articles
    sentences = segment(articles)
    end = 0
    for number, s in enumerate(sentences):
        assert article.text[s.start : s.end] == s.text and s.text.strip() == s.text and s.text
        assert s.start >= end and s.index == number  # in order, never overlapping
        end = s.end
    covered = "".join("".join(s.text for s in sentences).split())
    # a wire dateline opening a line ("U.S.—Mr. ..." found by hypothesis) is left out on purpose
    datelines = "".join(m.group(0) for line in article.text.splitlines() if (m := _DATELINE.match(line.strip())))
    assert covered == "".join(article.text.split()) or len(covered) + len("".join(datelines.split())) == len(
        "".join(article.text.split())
    ), "no text may be lost but a dateline"


def test_a_wire_dateline_is_left_out_of_the_first_sentence_and_spans_still_hold():
    text = (
        "WASHINGTON (AP) — The Senate voted 52-48 on Tuesday.\n"
        "LONDON, England (CNN) -- Police said two men were held.\n"
        "NASA — the agency — said no launch was planned.\n"
        "BALTIMORE (AP) -"
    )
    (article,) = ingest([{"text": text}])
    sentences = segment([article])
    assert [s.text for s in sentences] == [
        "The Senate voted 52-48 on Tuesday.",
        "Police said two men were held.",
        "NASA — the agency — said no launch was planned.",  # an acronym subject, not a dateline
        "BALTIMORE (AP) -",  # a dateline line on its own is clean's to set aside
    ]
    assert all(article.text[s.start : s.end] == s.text for s in sentences)
    assert [s.paragraph for s in sentences] == [0, 1, 2, 3]
