import numpy as np

from summarizer.clean import clean
from summarizer.dedup import dedup
from summarizer.ingest import ingest
from summarizer.segment import segment
from summarizer.types import Sentence


def _sentences(*pairs):
    return [Sentence(article, i, 0, len(text), text, 0.0) for i, (article, text) in enumerate(pairs)]


def test_exact_and_near_copies_are_grouped_without_embeddings_similarity():
    sentences = _sentences(
        ("a", "The council approved the budget on Monday."),
        ("b", "the council approved the budget on Monday"),
        ("c", "The council approved the budget on Monday, officials said."),
        ("d", "Heavy rain flooded the northern districts overnight."),
    )
    orthogonal = np.eye(4, 8, dtype=np.float32)  # no paraphrase signal at all
    groups = dedup(sentences, orthogonal)
    assert [len(g.members) for g in groups] == [3, 1]
    assert {link.method for link in groups[0].links} == {"exact", "near"}
    assert groups[0].method == "near" and groups[1].method is None


def test_every_sentence_is_in_exactly_one_group(seeds, embedder):
    kept = clean(segment(ingest(seeds))).kept
    groups = dedup(kept, embedder.embed([s.text for s in kept]))
    rows = sorted(r for g in groups for r in g.rows)
    assert rows == list(range(len(kept)))
    for g in groups:
        assert [kept[r] for r in g.rows] == list(g.members)


def test_the_seeds_shared_facts_are_grouped_across_articles(seeds, embedder):
    kept = clean(segment(ingest(seeds))).kept
    groups = dedup(kept, embedder.embed([s.text for s in kept]))
    cross = [g for g in groups if len(g.article_ids) == 2]
    texts = [" ".join(s.text for s in g.members) for g in cross]
    # the prisoner swap and the ceasefire proposals are told by both outlets
    assert any("1,000" in t and "1000" not in t.replace("1,000", "") or "prisoners of war" in t for t in texts)
    assert any("ceasefire" in t and "Medinsky" in t for t in texts)
    assert all(g.method == "paraphrase" for g in cross)


def test_unrelated_sentences_stay_apart(embedder):
    sentences = _sentences(
        ("a", "Russia requires the end of Western arms deliveries to Kiev before any truce."),
        ("b", "The city zoo welcomed a baby giraffe named Lulu on Sunday."),
    )
    groups = dedup(sentences, embedder.embed([s.text for s in sentences]))
    assert len(groups) == 2
