import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.brief.dedup import dedup
from summarizer.brief.pipeline import prepare
from summarizer.brief.types import Sentence


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
    kept = prepare(seeds).cleaned.kept
    groups = dedup(kept, embedder.embed([s.text for s in kept]))
    rows = sorted(r for g in groups for r in g.rows)
    assert rows == list(range(len(kept)))
    for g in groups:
        assert [kept[r] for r in g.rows] == list(g.members)


def test_the_seeds_shared_facts_are_grouped_across_articles(seeds, embedder):
    kept = prepare(seeds).cleaned.kept
    groups = dedup(kept, embedder.embed([s.text for s in kept]))
    cross = [g for g in groups if len(g.article_ids) == 2]
    texts = [" ".join(s.text for s in g.members) for g in cross]
    # the prisoner swap and the ceasefire proposals are told by both outlets
    assert any("1,000" in t and "1000" not in t.replace("1,000", "") or "prisoners of war" in t for t in texts)
    assert any("ceasefire" in t and "Medinsky" in t for t in texts)
    assert all(g.method == "paraphrase" for g in cross)


def test_a_group_is_one_fact_not_one_topic(seeds, embedder):
    # before: "The exchange of prisoners of war is one of the few areas ..." (a topic) was grouped with
    # "... they will swap 1,000 prisoners of war (PoWs) each ..." (the fact) and chosen in its place
    kept = prepare(seeds).cleaned.kept
    groups = dedup(kept, embedder.embed([s.text for s in kept]))
    swap = next(g for g in groups if any("swap 1,000 prisoners" in s.text for s in g.members))
    texts = [s.text for s in swap.members]
    assert "Russian and Ukrainian negotiators announced an exchange of 1000 prisoners." in texts
    assert not any("one of the few areas" in t for t in texts)


@pytest.mark.parametrize(
    "pair",
    [
        (
            "Russia requires the end of Western arms deliveries to Kiev before any truce.",
            "The city zoo welcomed a baby giraffe named Lulu on Sunday.",
        ),
        # one topic, two facts: numbers that disagree are not one fact
        (
            "Flooding in Harlow killed 12 people on Monday, officials said.",
            "Flooding in Harlow killed 40 people last spring, officials said.",
        ),
    ],
)
def test_unrelated_sentences_and_different_facts_stay_apart(embedder, pair):
    sentences = _sentences(("a", pair[0]), ("b", pair[1]))
    groups = dedup(sentences, embedder.embed([s.text for s in sentences]))
    assert len(groups) == 2


# --- property (hypothesis): dedup partitions the sentences; copies always share a group

CLAUSES = [
    "The council approved the budget on Monday",
    "the council approved the budget on monday",
    "Heavy rain flooded the northern districts overnight",
    "Three new schools will open in the city by 2027",
    "The mayor said the bridge will reopen next week",
    "The mayor said the bridge would reopen next week, officials added",
]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from("abc"), st.sampled_from(CLAUSES)), min_size=1, max_size=12),
    st.integers(0, 2**32 - 1),
)
def test_no_sentence_is_lost_and_copies_share_a_group(pairs, seed):
    sentences = _sentences(*pairs)
    vectors = np.random.default_rng(seed).normal(size=(len(sentences), 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    groups = dedup(sentences, vectors)
    rows = sorted(r for g in groups for r in g.rows)
    assert rows == list(range(len(sentences))), "every sentence is in exactly one group"
    group_of = {r: g.id for g in groups for r in g.rows}
    for g in groups:
        assert g.members and [sentences[r] for r in g.rows] == list(g.members)
    for i, a in enumerate(sentences):
        for j, b in enumerate(sentences):
            if a.text.lower() == b.text.lower():
                assert group_of[i] == group_of[j], "exact copies must be merged"
