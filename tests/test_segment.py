from summarizer.ingest import ingest
from summarizer.segment import segment


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


def test_indices_restart_per_article():
    articles = ingest([{"id": "a", "text": "One fact here. Two facts here."}, {"id": "b", "text": "Three."}])
    assert [(s.article_id, s.index) for s in segment(articles)] == [("a", 0), ("a", 1), ("b", 0)]
